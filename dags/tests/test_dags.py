"""Tests of the generated Airflow DAGs that hold without Airflow installed.

They read the DAG files as Python source (ast) and the table specs and contracts as YAML, and
check: the files are what `kamw dags generate` writes now, they compile, every operator argument is
one SparkSubmitOperator accepts, every scheduled table has exactly one task, edges follow the specs,
there is no cycle, and every task's arguments pass the real command line's --dry-run. Where Airflow
is installed, a DagBag test loads the DAGs for real; elsewhere it is skipped.
"""

import ast
import datetime
import glob
import json
import os
import shutil
import subprocess
import tempfile
import unittest

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
BASE_OPERATOR_ARGS = {"task_id", "owner", "retries", "retry_delay", "doc_md", "trigger_rule", "pool", "queue"}


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
            out.append(yaml.safe_load(f))
    return out


def specs():
    return {s["name"]: s for s in load_yaml("tables/*/*.yaml")}


def contracts():
    return {"raw_%s__%s" % (c["source"], c["entity"]): c for c in load_yaml("sources/*/*.yaml")}


def dependencies(spec):
    deps = list(spec["inputs"])
    for check in spec.get("checks") or []:
        if "relationship" in check:
            deps.append(check["relationship"]["to"].split(".")[0])
    return {d for d in deps if d != spec["name"]}


def dags_yaml():
    with open(os.path.join(DAGS, "dags.yaml"), encoding="utf-8") as f:
        return yaml.safe_load(f)


DAG_FILES = {dag_id: dag_id + ".py" for dag_id in dags_yaml()["dags"]}


class Dag:
    """A generated DAG file read as source: its SparkSubmitOperator calls and its `a >> b` edges."""

    def __init__(self, path):
        with open(path, encoding="utf-8") as f:
            self.source = f.read()
        self.tree = ast.parse(self.source, path)
        self.tasks = {}
        self.keywords = {}
        self.edges = set()
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) \
                    and getattr(node.value.func, "id", None) == "SparkSubmitOperator":
                kw = {k.arg: k.value for k in node.value.keywords}
                task_id = ast.literal_eval(kw["task_id"])
                if task_id in self.tasks:
                    raise AssertionError("task %s is defined twice in %s" % (task_id, path))
                self.tasks[task_id] = node.targets[0].id
                self.keywords[task_id] = kw
            if isinstance(node, ast.BinOp) and isinstance(node.op, ast.RShift):
                self.edges.add((node.left.id, node.right.id))

    def upstream(self, task_id):
        var = self.tasks[task_id]
        by_var = {v: k for k, v in self.tasks.items()}
        return {by_var[a] for a, b in self.edges if b == var}

    def args(self, task_id, common):
        """The task's application_args with kamw_common's values in place of *kamw.KAMW_ARGS."""
        out = []
        for element in self.keywords[task_id]["application_args"].elts:
            if isinstance(element, ast.Starred):
                self_name = ast.unparse(element.value)
                assert self_name == "kamw.KAMW_ARGS", self_name
                out.extend(common["KAMW_ARGS"])
            else:
                out.append(ast.literal_eval(element))
        return out


def kamw_common():
    namespace = {}
    with open(os.path.join(DAGS, "kamw_common.py"), encoding="utf-8") as f:
        exec(compile(f.read(), "kamw_common.py", "exec"), namespace)
    return namespace


def render(arg, ds, data_interval_end):
    return jinja2.Environment(undefined=jinja2.StrictUndefined).from_string(arg).render(
        ds=ds, data_interval_end=data_interval_end)


def java_cli_available():
    return shutil.which("java") is not None and os.access(KAMW, os.X_OK)


class GeneratedDagsTest(unittest.TestCase):

    @classmethod
    def setUpClass(cls):
        cls.dags = {dag_id: Dag(os.path.join(DAGS, f)) for dag_id, f in DAG_FILES.items()}
        cls.specs = specs()
        cls.contracts = contracts()
        cls.config = dags_yaml()
        cls.common = kamw_common()

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
        accepted, where = accepted_arguments()
        for dag in self.dags.values():
            for task_id, kw in dag.keywords.items():
                unknown = set(kw) - accepted
                self.assertEqual(set(), unknown, "%s passes arguments unknown to %s" % (task_id, where))
                for required in ("application", "java_class", "conn_id", "conf", "application_args"):
                    self.assertIn(required, kw, task_id)

    def test_delta_settings_come_from_one_shared_place(self):
        self.assertEqual("io.delta.sql.DeltaSparkSessionExtension", self.common["SPARK_CONF"]["spark.sql.extensions"])
        for dag in self.dags.values():
            for task_id, kw in dag.keywords.items():
                self.assertEqual("kamw.SPARK_CONF", ast.unparse(kw["conf"]), task_id)
            self.assertNotIn("spark.sql.extensions", dag.source)

    def test_every_scheduled_table_has_exactly_one_task(self):
        seen = {}
        for dag_id, conf in self.config["dags"].items():
            expected = {n for n, s in self.specs.items() if s["schedule"] == conf["tables"]}
            if conf.get("bronze"):
                expected |= set(self.contracts)
            expected |= set(conf.get("commands") or {})
            self.assertEqual(expected, set(self.dags[dag_id].tasks), dag_id)
            for task_id in self.dags[dag_id].tasks:
                self.assertNotIn(task_id, seen, "%s is in %s and %s" % (task_id, seen.get(task_id), dag_id))
                seen[task_id] = dag_id
        scheduled = set(self.contracts) | {n for n, s in self.specs.items() if s["schedule"] in ("daily", "monthly")}
        self.assertLessEqual(scheduled, set(seen), "every scheduled table has a task")

    def test_a_table_task_runs_its_table_for_the_logical_date(self):
        for dag in self.dags.values():
            for task_id in dag.tasks:
                args = dag.args(task_id, self.common)
                if task_id in self.specs or task_id in self.contracts:
                    self.assertEqual(["run", task_id, "--date", "{{ ds }}"], args[-4:], task_id)

    def test_edges_follow_the_specs_inputs_and_the_contracts_references(self):
        for dag in self.dags.values():
            for task_id in dag.tasks:
                if task_id in self.specs:
                    expected = dependencies(self.specs[task_id]) & set(dag.tasks)
                elif task_id in self.contracts:
                    c = self.contracts[task_id]
                    expected = set()
                    for col in c["columns"]:
                        ref = col.get("references")
                        if ref:
                            parts = ref.split(".")
                            source, entity = (parts[0], parts[1]) if len(parts) == 3 else (c["source"], parts[0])
                            if (source, entity) != (c["source"], c["entity"]):
                                expected.add("raw_%s__%s" % (source, entity))
                else:
                    continue
                for name, command in self.config["dags"].get(dag_name(dag, self.dags), {}).get("commands", {}).items():
                    if task_id in command.get("before", []):
                        expected.add(name)
                self.assertEqual(expected, dag.upstream(task_id), task_id)

    def test_commands_come_after_and_before_the_tables_named_in_dags_yaml(self):
        for dag_id, conf in self.config["dags"].items():
            dag = self.dags[dag_id]
            for name, command in (conf.get("commands") or {}).items():
                self.assertEqual(set(command.get("after", [])) & set(dag.tasks), dag.upstream(name), name)

    def test_there_is_no_cycle(self):
        for dag in self.dags.values():
            graph = {t: dag.upstream(t) for t in dag.tasks}
            done = set()
            while len(done) < len(graph):
                ready = [t for t, up in graph.items() if t not in done and up <= done]
                self.assertTrue(ready, "cycle among %s" % sorted(set(graph) - done))
                done.update(ready)

    def test_the_bonus_close_runs_once_a_quarter_for_the_pay_period_that_starts(self):
        conf = self.config["dags"]["kamw_quarterly_bonus_close"]
        self.assertEqual("0 6 1 1,4,7,10 *", conf["schedule"], "a pay period closes once: on the first day of a quarter")
        template = conf["commands"]["bonus_close"]["args"][3]
        cases = {
            datetime.datetime(2026, 10, 1, 6): "2026-Q4",  # pays the bonuses of 2026-Q3
            datetime.datetime(2027, 1, 1, 6): "2027-Q1",
            datetime.datetime(2026, 4, 1, 6): "2026-Q2",
            datetime.datetime(2026, 7, 1, 6): "2026-Q3",
        }
        for end, period in cases.items():
            self.assertEqual(period, render(template, "unused", end), end)

    def test_every_tasks_arguments_pass_the_real_command_lines_dry_run(self):
        if not java_cli_available():
            self.skipTest("java is not installed: the command line cannot run here")
        lists, owners = [], []
        for dag in self.dags.values():
            for task_id in sorted(dag.tasks):
                args = [render(a, "2026-09-30", datetime.datetime(2026, 10, 1)) for a in dag.args(task_id, self.common)]
                lists.append(args)
                owners.append(task_id)
        with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
            json.dump(lists, f)
        try:
            result = subprocess.run([KAMW, "-q", "dags", "dry-run", f.name], capture_output=True, text=True)
        finally:
            os.unlink(f.name)
        self.assertEqual(0, result.returncode, result.stderr)
        lines = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
        self.assertEqual(len(lists), len(lines), result.stdout + result.stderr)
        for task_id, line in zip(owners, lines):
            self.assertEqual(0, line["exit"], "%s: %s" % (task_id, line["err"]))


def dag_name(dag, dags):
    return next(name for name, d in dags.items() if d is dag)


class AirflowDagBagTest(unittest.TestCase):
    """Loads the DAG folder with Airflow's own DagBag; only where Airflow is installed."""

    def test_the_dag_folder_loads_without_import_errors(self):
        try:
            from airflow.models import DagBag
        except ImportError:
            self.skipTest("Airflow is not installed here")
        bag = DagBag(dag_folder=DAGS, include_examples=False)
        self.assertEqual({}, bag.import_errors)
        self.assertEqual(set(DAG_FILES), set(bag.dag_ids))


if __name__ == "__main__":
    unittest.main()
