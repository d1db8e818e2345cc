"""Tests of the generated Airflow DAGs that hold without Airflow installed.

They run each DAG file with stand-ins for Airflow's DAG and SparkSubmitOperator that record what
the file creates (through kamw_common's task helpers) and read the table specs and contracts as
YAML, and check: the files are what `kamw dags generate` writes now, they compile, every operator
argument is one SparkSubmitOperator accepts, every task runs the application's main class from the
jar with the shared Spark settings and the right command for the run date (the last full day of
the run's data interval, rendered with a stand-in for Airflow's macros), every scheduled table
is in exactly one task (its own, or a group task's: `kamw pipeline --select`, whose selectors are
read a second time here and compared with what the real command's dry run lists), the example data sets' tables and contracts run only in their own DAG, edges
follow the specs, there is no cycle, and every task's arguments pass the real command line's
--dry-run. test_airflow.py loads and runs the same files in a real, pinned Airflow, and checks there
that the real operators carry what the stand-ins recorded here.
"""

import ast
import datetime
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile
import types
import unittest
from unittest import mock

import jinja2
import yaml

DAGS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPO = os.path.dirname(DAGS)
KAMW = os.path.join(REPO, "bin", "kamw")

# The keyword arguments of SparkSubmitOperator.__init__ in apache-airflow-providers-apache-spark
# (operators/spark_submit.py), and of BaseOperator that the generator uses. Used when Airflow is
# not installed; where it is, the real signatures are read instead.
SPARK_SUBMIT_ARGS = {
    "application", "conf", "conn_id", "files", "py_files", "archives", "driver_class_path", "jars",
    "java_class", "packages", "exclude_packages", "repositories", "total_executor_cores",
    "executor_cores", "executor_memory", "driver_memory", "keytab", "principal", "proxy_user", "name",
    "num_executors", "status_poll_interval", "application_args", "env_vars", "verbose",
    "spark_binary", "properties_file", "yarn_queue", "deploy_mode", "use_krb5ccache",
}
BASE_OPERATOR_ARGS = {"task_id", "dag", "owner", "retries", "retry_delay", "doc_md", "trigger_rule", "pool", "queue"}


def accepted_arguments():
    try:
        import inspect

        from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator
        try:
            from airflow.sdk import BaseOperator
        except ImportError:
            from airflow.models import BaseOperator
    except ImportError:
        return SPARK_SUBMIT_ARGS | BASE_OPERATOR_ARGS, "the provider's documented signature"
    names = set(inspect.signature(SparkSubmitOperator.__init__).parameters)
    names |= set(inspect.signature(BaseOperator.__init__).parameters)
    return names - {"self", "args", "kwargs"}, "the installed SparkSubmitOperator"


def load_yaml(pattern):
    out = []
    for path in sorted(glob.glob(os.path.join(REPO, "schemas", pattern))):
        with open(path, encoding="utf-8") as f:
            out.append((os.path.relpath(path, os.path.join(REPO, "schemas")), yaml.safe_load(f)))
    return out


def specs():
    """Table specs by name: schemas/tables/<layer>/<domain>/<table>/table.yaml, and the example data
    sets' schemas/examples/<example>/<layer>/<table>/table.yaml (marked with _example: the example)."""
    out = {}
    for path, spec in load_yaml("tables/*/*/*/table.yaml"):
        out[spec["name"]] = dict(spec, _example=None, _domain=path.split(os.sep)[2])
    for path, spec in load_yaml("examples/*/*/*/table.yaml"):
        out[spec["name"]] = dict(spec, _example=path.split(os.sep)[1], _domain=path.split(os.sep)[1])
    return out


def contracts():
    return {"raw_%s__%s" % (c["source"], c["entity"]): c for _, c in load_yaml("sources/*/*.yaml")}


def example_sources(all_specs):
    """The example data sets, each fed by the contracts of the source of its name."""
    return {s["_example"] for s in all_specs.values() if s["_example"]}


def dependencies(spec):
    deps = list(spec["inputs"])
    for check in spec.get("checks") or []:
        if "relationship" in check:
            deps.append(check["relationship"]["to"].split(".")[0])
    return {d for d in deps if d != spec["name"]}


def contract_upstream(c):
    """The bronze tables a contract's references point at, other than its own."""
    out = set()
    for col in c["columns"]:
        ref = col.get("references")
        if ref:
            parts = ref.split(".")
            source, entity = (parts[0], parts[1]) if len(parts) == 3 else (c["source"], parts[0])
            if (source, entity) != (c["source"], c["entity"]):
                out.add("raw_%s__%s" % (source, entity))
    return out


class Selection:
    """What `kamw pipeline --select ... --exclude ...` picks, written again from its documentation
    (table names with +, layer:, domain:, schedule:, kind:; commas intersect, separate selectors
    unite), so a group task's tables are checked against a second reading of the selectors."""

    def __init__(self, all_specs, all_contracts):
        examples = example_sources(all_specs)
        self.nodes = {}
        for name, c in all_contracts.items():
            self.nodes[name] = {"layer": "bronze", "domain": c["source"], "schedule": "",
                                "kind": "example" if c["source"] in examples else "product", "up": contract_upstream(c)}
        for name, spec in all_specs.items():
            self.nodes[name] = {"layer": spec["layer"], "domain": spec["_domain"], "schedule": spec["schedule"],
                                "kind": "example" if spec["_example"] else "product", "up": dependencies(spec)}

    def _walk(self, name, step):
        seen, todo = set(), list(step(name))
        while todo:
            t = todo.pop()
            if t in self.nodes and t not in seen:
                seen.add(t)
                todo.extend(step(t))
        return seen

    def _part(self, part):
        if ":" in part:
            method, value = part.split(":", 1)
            return {n for n, node in self.nodes.items() if node[method] == value}
        name = part.strip("+")
        out = {name}
        if part.startswith("+"):
            out |= self._walk(name, lambda t: self.nodes[t]["up"])
        if part.endswith("+"):
            out |= self._walk(name, lambda t: {n for n, node in self.nodes.items() if t in node["up"]})
        return out

    def _one(self, selector):
        parts = [self._part(p) for p in selector.split(",")]
        return set.intersection(*parts)

    def select(self, selectors, exclude=()):
        picked = set()
        for s in selectors:
            picked |= self._one(s)
        for s in exclude:
            picked -= self._one(s)
        return picked


def group_selectors(args):
    """The --select and --exclude selectors of a `pipeline` task's arguments."""
    i = args.index("pipeline")
    rest = args[i + 1:]
    select, exclude, current = [], [], None
    for a in rest:
        if a in ("--select", "--exclude", "--date"):
            current = {"--select": select, "--exclude": exclude}.get(a)
        elif current is not None:
            current.append(a)
    return select, exclude


def dags_yaml():
    with open(os.path.join(DAGS, "dags.yaml"), encoding="utf-8") as f:
        return yaml.safe_load(f)


DAG_FILES = {dag_id: dag_id + ".py" for dag_id in dags_yaml()["dags"]}

# The date argument of every table and bronze task: the last full day of the run's data interval.
RUN_DATE = "{{ macros.ds_add(data_interval_end | ds, -1) }}"


class RecordingDag:
    """Stands in for airflow's DAG: records its arguments, its tasks and their edges."""

    def __init__(self, **kwargs):
        self.kwargs = kwargs
        self.operators = {}
        self.edges = set()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def recording_operator(accepted):
    """A stand-in for SparkSubmitOperator that refuses arguments the real one does not accept."""

    class RecordingSparkSubmitOperator:
        def __init__(self, **kwargs):
            unknown = set(kwargs) - accepted
            if unknown:
                raise TypeError("SparkSubmitOperator does not accept %s" % sorted(unknown))
            self.kwargs = kwargs
            self.task_id = kwargs["task_id"]
            self.dag = kwargs["dag"]
            if self.task_id in self.dag.operators:
                raise AssertionError("task %s is defined twice" % self.task_id)
            self.dag.operators[self.task_id] = self

        def __rshift__(self, other):
            self.dag.edges.add((self.task_id, other.task_id))
            return other

    return RecordingSparkSubmitOperator


def load_common():
    """kamw_common.py as a module, loaded without Airflow."""
    module = types.ModuleType("kamw_common")
    module.__file__ = os.path.join(DAGS, "kamw_common.py")
    with open(module.__file__, encoding="utf-8") as f:
        exec(compile(f.read(), module.__file__, "exec"), module.__dict__)
    return module


class Dag:
    """A generated DAG file, run with recording stand-ins for Airflow: its tasks' operator arguments
    and its `a >> b` edges."""

    def __init__(self, path, accepted):
        with open(path, encoding="utf-8") as f:
            self.source = f.read()
        common = load_common()
        operator = recording_operator(accepted)
        fakes = {
            "airflow": types.ModuleType("airflow"),
            "airflow.sdk": types.ModuleType("airflow.sdk"),
            "airflow.providers": types.ModuleType("airflow.providers"),
            "airflow.providers.apache": types.ModuleType("airflow.providers.apache"),
            "airflow.providers.apache.spark": types.ModuleType("airflow.providers.apache.spark"),
            "airflow.providers.apache.spark.operators": types.ModuleType("airflow.providers.apache.spark.operators"),
            "airflow.providers.apache.spark.operators.spark_submit":
                types.ModuleType("airflow.providers.apache.spark.operators.spark_submit"),
            "kamw_common": common,
        }
        fakes["airflow.sdk"].DAG = RecordingDag
        fakes["airflow"].DAG = RecordingDag
        fakes["airflow.providers.apache.spark.operators.spark_submit"].SparkSubmitOperator = operator
        namespace = {"__name__": os.path.basename(path)[:-3]}
        with mock.patch.dict(sys.modules, fakes):
            exec(compile(self.source, path, "exec"), namespace)
        dags = [v for v in namespace.values() if isinstance(v, RecordingDag)]
        assert len(dags) == 1, "%s defines %d DAGs" % (path, len(dags))
        self.dag = dags[0]
        self.common = common
        self.keywords = {t: op.kwargs for t, op in self.dag.operators.items()}
        self.tasks = set(self.keywords)
        self.edges = set(self.dag.edges)
        self.variables = {v.task_id: name for name, v in namespace.items() if isinstance(v, operator)}

    def upstream(self, task_id):
        return {a for a, b in self.edges if b == task_id}

    def args(self, task_id, common=None):
        """The task's application_args, global options included."""
        return list(self.keywords[task_id]["application_args"])


def kamw_common():
    namespace = {}
    with open(os.path.join(DAGS, "kamw_common.py"), encoding="utf-8") as f:
        exec(compile(f.read(), "kamw_common.py", "exec"), namespace)
    return namespace


class Macros:
    """Stands in for Airflow's template variable `macros`, with what the DAGs use of it."""

    @staticmethod
    def ds_add(ds, days):
        """As airflow.macros.ds_add: a YYYY-MM-DD date string plus `days` days, as a YYYY-MM-DD string."""
        if not days:
            return str(ds)
        day = datetime.datetime.strptime(str(ds), "%Y-%m-%d") + datetime.timedelta(days=days)
        return day.strftime("%Y-%m-%d")


def render(arg, ds, data_interval_end):
    """Renders a templated argument as Airflow does, with the variables ds, data_interval_end and
    macros and Airflow's filter ds (a date or datetime as YYYY-MM-DD)."""
    env = jinja2.Environment(undefined=jinja2.StrictUndefined)
    env.filters["ds"] = lambda value: None if value is None else value.strftime("%Y-%m-%d")
    return env.from_string(arg).render(ds=ds, data_interval_end=data_interval_end, macros=Macros)


def java_cli_available():
    return shutil.which("java") is not None and os.access(KAMW, os.X_OK)


def dry_run(lists):
    """`kamw dags dry-run` of argument lists: the process's result and its JSON result lines, one per list."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(lists, f)
    try:
        result = subprocess.run([KAMW, "-q", "dags", "dry-run", f.name], capture_output=True, text=True)
    finally:
        os.unlink(f.name)
    return result, [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]


class GeneratedDagsTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.accepted, cls.accepted_from = accepted_arguments()
        cls.dags = {dag_id: Dag(os.path.join(DAGS, f), cls.accepted) for dag_id, f in DAG_FILES.items()}
        cls.specs = specs()
        cls.contracts = contracts()
        cls.examples = example_sources(cls.specs)
        cls.config = dags_yaml()
        cls.common = kamw_common()
        cls.selection = Selection(cls.specs, cls.contracts)
        # The tables each task runs: its own for a table or bronze task, its selection for a group task.
        cls.members = {}
        for dag_id, dag in cls.dags.items():
            commands = set(cls.config["dags"][dag_id].get("commands") or {})
            for task_id in dag.tasks - commands:
                args = dag.args(task_id)
                if "pipeline" in args:
                    cls.members[(dag_id, task_id)] = cls.selection.select(*group_selectors(args))
                else:
                    cls.members[(dag_id, task_id)] = {task_id}

    def task_of(self, dag_id):
        """Table name to the task that runs it in the DAG."""
        return {m: t for (d, t), ms in self.members.items() if d == dag_id for m in ms}

    def expected_tables(self, conf):
        """The tables a DAG of dags.yaml runs: the product's or, with examples: true, the example data sets'."""
        examples = bool(conf.get("examples"))
        expected = {n for n, s in self.specs.items()
                    if bool(s["_example"]) == examples and conf["tables"] in (s["schedule"], "all")}
        if conf.get("bronze"):
            expected |= {t for t, c in self.contracts.items() if (c["source"] in self.examples) == examples}
        return expected

    def expected_tasks(self, conf):
        """The task ids of a DAG: one per table, or one per layer or domain with group_by, and its commands."""
        tables = self.expected_tables(conf)
        group_by = conf.get("group_by", "table")
        if group_by == "table":
            tasks = set(tables)
        else:
            key = "layer" if group_by == "layer" else "domain"
            tasks = {self.selection.nodes[t][key] for t in tables}
        return tasks | set(conf.get("commands") or {})

    def test_the_files_are_what_the_generator_writes_now(self):
        if not java_cli_available():
            self.skipTest("java is not installed: the generator cannot run here")
        result = subprocess.run([KAMW, "-q", "dags", "check", "--dir", DAGS], capture_output=True, text=True)
        self.assertEqual(0, result.returncode, result.stdout + result.stderr)

    def test_every_file_compiles(self):
        for path in glob.glob(os.path.join(DAGS, "*.py")):
            with open(path, encoding="utf-8") as f:
                compile(f.read(), path, "exec")

    def test_every_operator_argument_is_one_spark_submit_operator_accepts(self):
        # The recording operator refused unknown arguments already; this names the source of the list.
        for dag in self.dags.values():
            self.assertTrue(dag.tasks, "a DAG without tasks")
            for task_id, kw in dag.keywords.items():
                unknown = set(kw) - self.accepted
                self.assertEqual(set(), unknown, "%s passes arguments unknown to %s" % (task_id, self.accepted_from))
                for required in ("application", "java_class", "conn_id", "conf", "application_args"):
                    self.assertIn(required, kw, task_id)

    def test_every_task_runs_the_applications_main_class_from_the_jar_with_the_shared_settings(self):
        common = self.common
        for dag_id, dag in self.dags.items():
            for task_id, kw in dag.keywords.items():
                where = "%s.%s" % (dag_id, task_id)
                self.assertIs(dag.dag, kw["dag"], where)
                self.assertEqual(task_id, kw["task_id"])
                self.assertEqual(common["APPLICATION"], kw["application"], where)
                self.assertEqual("io.kamwarehouse.cli.Main", kw["java_class"], where)
                self.assertEqual(common["SPARK_CONN_ID"], kw["conn_id"], where)
                self.assertEqual(common["SPARK_CONF"], kw["conf"], where)
                self.assertEqual(common["DRIVER_MEMORY"], kw["driver_memory"], where)
                self.assertEqual(common["EXECUTOR_MEMORY"], kw["executor_memory"], where)
                self.assertEqual("kamw-" + task_id, kw["name"], where)
                self.assertTrue(kw["doc_md"], where)
                self.assertEqual(common["KAMW_ARGS"], dag.args(task_id)[:len(common["KAMW_ARGS"])],
                                 "%s: the global options come first" % where)
                self.assertEqual(task_id, dag.variables[task_id], "%s: the variable is named after the task" % where)

    def test_kamw_vars_of_the_workers_reach_every_task_as_kamw_settings_after_the_jar(self):
        with mock.patch.dict(os.environ, {"KAMW_VARS": " min_training_rows=40  min_responses=50 "}):
            common = load_common()
        self.assertEqual(["--conf", "kamw.var.min_training_rows=40", "--conf", "kamw.var.min_responses=50"],
                         common.KAMW_ARGS[6:])
        with mock.patch.dict(os.environ, {"KAMW_VARS": ""}):
            self.assertEqual(6, len(load_common().KAMW_ARGS))
        for wrong in ("min_training_rows", "=40", "min_training_rows=40 min_responses"):
            with mock.patch.dict(os.environ, {"KAMW_VARS": wrong}):
                with self.assertRaisesRegex(ValueError, "KAMW_VARS: .* is not NAME=VALUE"):
                    load_common()
        # The real command line accepts them (its dry run of the daily gold task).
        if not java_cli_available():
            self.skipTest("java is not installed: the command line cannot run here")
        with mock.patch.dict(os.environ, {"KAMW_VARS": "min_training_rows=40"}):
            args = Dag(os.path.join(DAGS, DAG_FILES["kamw_daily"]), accepted_arguments()[0]).args("gold")
        args = [render(a, "2026-09-30", datetime.datetime(2026, 10, 1)) for a in args]
        result, lines = dry_run([args])
        self.assertEqual(0, result.returncode, result.stderr)
        self.assertEqual(1, len(lines), result.stdout + result.stderr)
        self.assertEqual(0, lines[0]["exit"], lines[0]["err"])

    def test_tasks_come_from_the_shared_helpers_not_from_arguments_repeated_per_task(self):
        for dag_id, dag in self.dags.items():
            self.assertNotIn("SparkSubmitOperator", dag.source, dag_id)
            for keyword in ("application=", "java_class=", "conn_id=", "driver_memory=", "application_args="):
                self.assertNotIn(keyword, dag.source, dag_id)

    def test_delta_settings_come_from_one_shared_place(self):
        self.assertEqual("io.delta.sql.DeltaSparkSessionExtension", self.common["SPARK_CONF"]["spark.sql.extensions"])
        for dag in self.dags.values():
            for task_id, kw in dag.keywords.items():
                self.assertIs(dag.common.SPARK_CONF, kw["conf"], task_id)
            self.assertNotIn("spark.sql.extensions", dag.source)

    def test_every_dag_has_the_schedule_of_dags_yaml(self):
        for dag_id, conf in self.config["dags"].items():
            kw = self.dags[dag_id].dag.kwargs
            self.assertEqual(dag_id, kw["dag_id"])
            self.assertEqual(None if conf["schedule"] == "none" else conf["schedule"], kw["schedule"], dag_id)
            self.assertFalse(kw["catchup"], dag_id)

    def test_every_scheduled_table_has_exactly_one_task(self):
        seen = {}
        for dag_id, conf in self.config["dags"].items():
            self.assertEqual(self.expected_tasks(conf), self.dags[dag_id].tasks, dag_id)
            covered = set()
            for (d, task_id), members in self.members.items():
                if d == dag_id:
                    self.assertEqual(set(), covered & members, "%s: tables in two tasks" % task_id)
                    covered |= members
            self.assertEqual(self.expected_tables(conf), covered, dag_id)
            for table in covered:
                self.assertNotIn(table, seen, "%s is in %s and %s" % (table, seen.get(table), dag_id))
                seen[table] = dag_id
        scheduled = set(self.contracts) | {n for n, s in self.specs.items() if s["schedule"] in ("daily", "monthly")}
        self.assertLessEqual(scheduled, set(seen), "every table has a task")

    def test_a_grouped_dag_has_one_task_per_group_and_the_product_dags_are_grouped_by_layer(self):
        self.assertEqual("layer", self.config["dags"]["kamw_daily"].get("group_by"))
        self.assertEqual({"bronze", "silver", "gold"}, self.dags["kamw_daily"].tasks)
        self.assertEqual({"bronze"}, self.dags["kamw_daily"].upstream("silver"))
        self.assertEqual({"bronze", "silver"}, self.dags["kamw_daily"].upstream("gold"))
        for (dag_id, task_id), members in self.members.items():
            group_by = self.config["dags"][dag_id].get("group_by", "table")
            if group_by != "table":
                key = "layer" if group_by == "layer" else "domain"
                self.assertEqual({task_id}, {self.selection.nodes[m][key] for m in members}, (dag_id, task_id))

    def test_the_example_data_sets_run_only_in_their_own_dag(self):
        self.assertEqual({"cdnow", "maven_crm", "prepbench"}, self.examples)
        example_tables = {n for n, s in self.specs.items() if s["_example"]}
        example_tables |= {t for t, c in self.contracts.items() if c["source"] in self.examples}
        self.assertTrue({"raw_cdnow__transactions", "stg_maven_crm__accounts", "mart_prepbench_nps"} <= example_tables)
        for dag_id, conf in self.config["dags"].items():
            tasks = set(self.task_of(dag_id))
            if conf.get("examples"):
                self.assertLessEqual(example_tables, tasks, dag_id)
                self.assertIn("examples", self.dags[dag_id].dag.kwargs["tags"])
            else:
                self.assertEqual(set(), tasks & example_tables, "%s runs example tables" % dag_id)
        for name, spec in self.specs.items():
            if not spec["_example"]:
                self.assertEqual(set(), dependencies(spec) & example_tables,
                                 "%s, a product table, reads an example data set's table" % name)

    def test_a_table_task_runs_its_table_for_the_run_date(self):
        checked = 0
        for (dag_id, task_id), members in self.members.items():
            args = self.dags[dag_id].args(task_id)
            if task_id in self.specs or task_id in self.contracts:
                self.assertEqual(self.common["KAMW_ARGS"] + ["run", task_id, "--date", RUN_DATE], args, task_id)
            else:
                self.assertEqual(self.common["KAMW_ARGS"] + ["pipeline", "--select"], args[:len(self.common["KAMW_ARGS"]) + 2], task_id)
                self.assertEqual(["--date", RUN_DATE], args[-2:], task_id)
            self.assertEqual("2026-09-30", render(args[-1], "2026-09-30", datetime.datetime(2026, 10, 1)), task_id)
            checked += len(members)
        self.assertEqual(len(self.contracts) + len([s for s in self.specs.values() if s["schedule"] in ("daily", "monthly")]),
                         checked)

    def test_the_run_date_is_the_last_full_day_of_the_data_interval(self):
        self.assertEqual(RUN_DATE, self.common["RUN_DATE"])
        daily, monthly = self.dags["kamw_daily"], self.dags["kamw_monthly_close"]
        daily_table = sorted(t for d, t in self.members if d == "kamw_daily")[0]
        monthly_table = sorted(t for d, t in self.members if d == "kamw_monthly_close")[0]
        cases = [
            # Airflow 2, daily at 03:00: the interval 2026-10-01..2026-10-02 processes 2026-10-01.
            (daily, daily_table, "2026-10-01", datetime.datetime(2026, 10, 2, 3), "2026-10-01"),
            # Airflow 2, monthly on the 1st: ds is the month's first day; the month ended on the 30th.
            (monthly, monthly_table, "2026-09-01", datetime.datetime(2026, 10, 1, 5), "2026-09-30"),
            # Airflow 3's trigger timetable: the interval starts and ends at the run's time, ds is the run's day.
            (daily, daily_table, "2026-10-02", datetime.datetime(2026, 10, 2, 3), "2026-10-01"),
            (monthly, monthly_table, "2026-10-01", datetime.datetime(2026, 10, 1, 5), "2026-09-30"),
            # Across a year's end and a leap day.
            (daily, daily_table, "2026-12-31", datetime.datetime(2027, 1, 1, 3), "2026-12-31"),
            (monthly, monthly_table, "2028-02-01", datetime.datetime(2028, 3, 1, 5), "2028-02-29"),
        ]
        for dag, task_id, ds, end, expected in cases:
            args = [render(a, ds, end) for a in dag.args(task_id)]
            self.assertEqual(["--date", expected], args[-2:], (task_id, ds, end))

    def test_the_stand_in_for_ds_add_behaves_as_airflows(self):
        self.assertEqual("2026-09-30", Macros.ds_add("2026-10-01", -1))
        self.assertEqual("2026-10-06", Macros.ds_add("2026-10-01", 5))
        self.assertEqual("2026-10-01", Macros.ds_add("2026-10-01", 0))
        self.assertEqual("2024-02-29", Macros.ds_add("2024-03-01", -1))

    def test_a_bronze_task_says_which_contract_it_loads_and_a_group_task_which_tables_it_builds(self):
        for (dag_id, task_id), members in self.members.items():
            doc = self.dags[dag_id].keywords[task_id]["doc_md"]
            if task_id in self.contracts:
                c = self.contracts[task_id]
                self.assertIn("%s.%s" % (c["source"], c["entity"]), doc, task_id)
            elif task_id not in self.specs:
                for m in members:
                    self.assertIn(m, doc, task_id)

    def test_a_command_task_runs_the_arguments_of_dags_yaml(self):
        commands = 0
        for dag_id, conf in self.config["dags"].items():
            for name, command in (conf.get("commands") or {}).items():
                self.assertEqual(self.common["KAMW_ARGS"] + command["args"], self.dags[dag_id].args(name), name)
                commands += 1
        self.assertGreater(commands, 0)

    def test_a_spec_owner_overrides_the_default_owner(self):
        for (dag_id, task_id), members in self.members.items():
            owners = {self.specs[m].get("owner") if m in self.specs else None for m in members}
            kw = self.dags[dag_id].keywords[task_id]
            if len(owners) == 1 and None not in owners:
                self.assertEqual(owners.pop(), kw["owner"], task_id)
            else:
                self.assertNotIn("owner", kw, "%s: its tables have the owners %s" % (task_id, owners))

    def test_edges_follow_the_specs_inputs_and_the_contracts_references(self):
        for dag_id, dag in self.dags.items():
            task_of = self.task_of(dag_id)
            commands = self.config["dags"][dag_id].get("commands") or {}
            for (d, task_id), members in self.members.items():
                if d != dag_id:
                    continue
                expected = set()
                for m in members:
                    deps = dependencies(self.specs[m]) if m in self.specs else contract_upstream(self.contracts[m])
                    expected |= {task_of[x] for x in deps if x in task_of}
                    for name, command in commands.items():
                        if m in command.get("before", []):
                            expected.add(name)
                expected.discard(task_id)
                self.assertEqual(expected, dag.upstream(task_id), task_id)

    def test_commands_come_after_and_before_the_tables_named_in_dags_yaml(self):
        for dag_id, conf in self.config["dags"].items():
            dag = self.dags[dag_id]
            task_of = self.task_of(dag_id)
            for name, command in (conf.get("commands") or {}).items():
                self.assertEqual({task_of[t] for t in command.get("after", []) if t in task_of}, dag.upstream(name), name)

    def test_there_is_no_cycle(self):
        for dag in self.dags.values():
            graph = {t: dag.upstream(t) for t in dag.tasks}
            done = set()
            while len(done) < len(graph):
                ready = [t for t, up in graph.items() if t not in done and up <= done]
                self.assertTrue(ready, "cycle among %s" % sorted(set(graph) - done))
                done.update(ready)

    def test_the_bonus_close_runs_once_a_quarter_for_the_pay_period_that_ended(self):
        conf = self.config["dags"]["kamw_quarterly_bonus_close"]
        self.assertEqual("0 6 1 1,4,7,10 *", conf["schedule"], "a pay period closes once: on the first day of a quarter")
        template = conf["commands"]["bonus_close"]["args"][3]
        self.assertEqual(template, self.dags["kamw_quarterly_bonus_close"].args("bonus_close")[-1])
        # kamw bonus close refuses a pay period that ends after the date the data covers (its payroll is
        # not complete): the run on the 1st closes the quarter that ended on its run date, the day before.
        cases = {
            datetime.datetime(2026, 10, 1, 6): "2026-Q3",
            datetime.datetime(2027, 1, 1, 6): "2026-Q4",
            datetime.datetime(2026, 4, 1, 6): "2026-Q1",
            datetime.datetime(2026, 7, 1, 6): "2026-Q2",
        }
        for end, period in cases.items():
            self.assertEqual(period, render(template, "unused", end), end)
            run_date = datetime.date.fromisoformat(render(RUN_DATE, "unused", end))
            year, quarter = period.split("-Q")
            last_month = int(quarter) * 3
            quarter_end = datetime.date(int(year) + last_month // 12, last_month % 12 + 1, 1) - datetime.timedelta(days=1)
            self.assertEqual(run_date, quarter_end, "%s: the period closed ends on the run date" % end)

    def test_every_tasks_arguments_pass_the_real_command_lines_dry_run(self):
        if not java_cli_available():
            self.skipTest("java is not installed: the command line cannot run here")
        lists, owners = [], []
        for dag in self.dags.values():
            for task_id in sorted(dag.tasks):
                args = [render(a, "2026-09-30", datetime.datetime(2026, 10, 1)) for a in dag.args(task_id)]
                lists.append(args)
                owners.append(task_id)
        result, lines = dry_run(lists)
        self.assertEqual(0, result.returncode, result.stderr)
        self.assertEqual(len(lists), len(lines), result.stdout + result.stderr)
        for task_id, line in zip(owners, lines):
            self.assertEqual(0, line["exit"], "%s: %s" % (task_id, line["err"]))
        # A group task's dry run lists the tables it builds: the same as this file's reading of its selectors.
        groups = 0
        for (dag_id, task_id), line in zip([(d, t) for d, dag in self.dags.items() for t in sorted(dag.tasks)], lines):
            if "pipeline" in self.dags[dag_id].args(task_id):
                listed = set()
                for out in line["out"].splitlines():
                    if out.startswith("ingest "):
                        listed.add(out.split(" -> ")[1])
                    elif out.startswith("build "):
                        listed.add(out.split(" ")[1])
                self.assertEqual(self.members[(dag_id, task_id)], listed, task_id)
                groups += 1
        self.assertGreater(groups, 0)


if __name__ == "__main__":
    unittest.main()
