"""The DAGs in a real Apache Airflow, running the real application jar.

The Airflow is the one pinned in dags/requirements.txt (Apache Airflow, its Apache Spark provider and
pyspark, whose spark-submit the operator runs), installed from the package index into .venvs/airflow
by bin/kamw-venv and reused while the pins are unchanged. Where it cannot be installed (no index,
pins it does not serve) the tests fail saying why; they never skip. Airflow runs in subprocesses
(dags/tests/airflow_harness.py, executed by that environment's Python) with a temporary AIRFLOW_HOME,
SQLite metadata made by `airflow db migrate`, the example DAGs off, the connection spark_default
pointing at local[2], and the workers' environment the README documents: KAMW_APP_JAR,
KAMW_WAREHOUSE, KAMW_LANDING and, for the runs, KAMW_VARS (the model thresholds the tiny sample needs); and a
SPARK_CONF_DIR whose spark-defaults.conf turns code generation off and has the drivers compile with C1 only, as
in the Java tests.

- DagBag (Airflow 3's airflow.dag_processing.dagbag) imports every DAG file with no import error;
  every task is the provider's SparkSubmitOperator, built from arguments the installed operator
  accepts, and the installed hook turns it into a spark-submit of the application jar with only
  spark.* settings as --conf and the kamw options and command after the jar.
- On a tiny sample (scale 0.02, the drop of 2026-10-01 holding the data up to 2026-09-30), dag.test()
  runs the daily DAG for the logical date 2026-10-01 03:00 (run date 2026-09-30), the monthly close
  for 2026-10-01 05:00, the daily DAG again (the day re-run: on an empty warehouse the daily gold
  tables wait for the monthly tiers; payroll's ledger of the bonus run has come back in the finance
  drop meanwhile, as in the demo), and the quarterly bonus close for 2026-10-01 06:00 (2026-Q3,
  the pay period that ended on the run date): every task spark-submits the jar and succeeds. Their
  gold tables equal those of `kamw pipeline --date 2026-09-30` and `kamw bonus close --period
  2026-Q3` run on the same drop into another warehouse (row counts and checksums, `kamw-cluster
  compare`), and both record the same bonus run.
- A data check made to fail (a copy of schemas/, given to the jobs as KAMW_SCHEMAS, in which
  stg_crm__activities must hold no activity after May 2026), on the next day's drop, fails the
  silver task, and the gold task downstream does not run (upstream_failed).
"""

import csv
import datetime
import glob
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import unittest
from unittest import mock

import yaml

DAGS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
REPO = os.path.dirname(DAGS)
KAMW = os.path.join(REPO, "bin", "kamw")
KAMW_CLUSTER = os.path.join(REPO, "bin", "kamw-cluster")
KAMW_VENV = os.path.join(REPO, "bin", "kamw-venv")
REQUIREMENTS = os.path.join(DAGS, "requirements.txt")
TESTS = os.path.join(DAGS, "tests")
HARNESS = os.path.join(TESTS, "airflow_harness.py")

SCALE = "0.02"
# The sample's full drop is 2026-10-01 and holds the data up to 2026-09-30: the daily run whose data
# interval ends on 2026-10-01 (Airflow 3: a cron schedule's interval ends at the run's time) builds
# as of the day before, 2026-09-30. The monthly close and the bonus close run later that day.
DROP = "2026-10-01"
RUN_DATE = "2026-09-30"
DAILY = "2026-10-01T03:00:00+00:00"
MONTHLY = "2026-10-01T05:00:00+00:00"
BONUS = "2026-10-01T06:00:00+00:00"
PERIOD = "2026-Q3"
# The next day: the increment drop 2026-10-02 holds 2026-10-01's data.
NEXT_DAILY = "2026-10-02T03:00:00+00:00"

# The sample closes too few deals by RUN_DATE for the win-probability model's default thresholds (its
# months would have no fit and its marts no rows): both warehouses lower them, the DAGs' workers through
# KAMW_VARS, `kamw pipeline` through --conf.
MODEL_VARS = {"min_training_rows": "40", "min_rows_per_outcome": "15"}
# Both warehouses evaluate without code generation, as the Java tests do (SharedSpark.TEST_CONF): on a sample
# this small a cold JVM's queries cost less to run than to compile. Airflow's spark-submit reads them from the
# spark-defaults.conf of SPARK_CONF_DIR, so the tasks keep the settings the DAG files give them.
TEST_SPARK_CONF = {"spark.sql.codegen.wholeStage": "false", "spark.sql.codegen.factoryMode": "NO_CODEGEN"}
MODEL_CONF = " ".join(["--conf kamw.var.%s=%s" % kv for kv in MODEL_VARS.items()]
                      + ["--conf %s=%s" % kv for kv in TEST_SPARK_CONF.items()])
# And their JVMs compile with C1 only, as the test JVMs do (jobs/pom.xml): a task's JVM lives a few minutes,
# where C2 costs more CPU than it saves, and the DAG runs share the two cores with the reference run and the
# dashboard tests. The tasks' driver JVMs get it from the same spark-defaults.conf, the reference run's
# bin/kamw from KAMW_EXTRA_JAVA_OPTS (added to bin/kamw's own default heap and collector).
TEST_JVM_OPTIONS = "-XX:TieredStopAtLevel=1 -XX:ReservedCodeCacheSize=256m"
SPARK_DEFAULTS = dict(TEST_SPARK_CONF, **{"spark.driver.extraJavaOptions": "-XX:+UseParallelGC " + TEST_JVM_OPTIONS})

# The pins the environment must have: exact versions, one per line.
PINS = {"apache-airflow": "3.3.2", "apache-airflow-providers-apache-spark": None, "pyspark": "4.2.0"}


def log(message):
    print("[airflow] %s" % message, flush=True)


def app_jar():
    jars = sorted(glob.glob(os.path.join(REPO, "jobs", "target", "kamw-jobs-*-app.jar")))
    if not jars:
        raise AssertionError("no application jar in jobs/target: build it first (mvn -B -DskipTests package)")
    return jars[-1]


def java_home():
    if os.environ.get("JAVA_HOME"):
        return os.environ["JAVA_HOME"]
    java = shutil.which("java")
    if not java:
        raise AssertionError("java is not on PATH: spark-submit needs a JDK 17")
    return os.path.dirname(os.path.dirname(os.path.realpath(java)))


def airflow_venv():
    """The pinned Airflow environment's folder, made (or reused) by bin/kamw-venv; an AssertionError
    with its reason when it cannot be installed."""
    started = time.time()
    result = subprocess.run([KAMW_VENV, "airflow", REQUIREMENTS], capture_output=True, text=True)
    if result.returncode != 0:
        raise AssertionError("the pinned Airflow environment could not be installed from %s:\n%s"
                             % (os.path.relpath(REQUIREMENTS, REPO), result.stderr.strip()))
    venv = result.stdout.strip().splitlines()[-1]
    log("environment %s ready in %.0fs%s" % (os.path.relpath(venv, REPO), time.time() - started,
                                             " (installed)" if "making" in result.stderr else " (reused)"))
    return venv


class Airflow:
    """One Airflow installation's home: a temporary AIRFLOW_HOME with its SQLite metadata."""

    def __init__(self, venv, home, warehouse, landing, schemas=None, kamw_vars=None):
        self.venv = venv
        self.home = home
        self.env = dict(os.environ)
        for key in list(self.env):
            if key.startswith(("AIRFLOW", "KAMW_", "SPARK_", "PYSPARK")):
                del self.env[key]
        self.env.update({
            "AIRFLOW_HOME": home,
            "AIRFLOW__CORE__DAGS_FOLDER": DAGS,
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": "sqlite:///" + os.path.join(home, "airflow.db"),
            "AIRFLOW__CORE__UNIT_TEST_MODE": "False",
            "AIRFLOW_CONN_SPARK_DEFAULT": json.dumps({"conn_type": "spark", "host": "local[2]"}),
            # The workers' environment, as the README's Airflow section documents it.
            "KAMW_APP_JAR": app_jar(),
            "KAMW_WAREHOUSE": warehouse,
            "KAMW_LANDING": landing,
            "JAVA_HOME": java_home(),
            "SPARK_LOCAL_IP": "127.0.0.1",
            # spark-submit comes from pyspark in the environment; the DAG folder is on the path as
            # Airflow puts it there for kamw_common.
            "PATH": os.path.join(venv, "bin") + os.pathsep + os.environ.get("PATH", ""),
            "PYTHONPATH": DAGS,
        })
        spark_conf = os.path.join(home, "spark-conf")
        os.makedirs(spark_conf, exist_ok=True)
        with open(os.path.join(spark_conf, "spark-defaults.conf"), "w", encoding="utf-8") as f:
            f.writelines("%s %s\n" % kv for kv in SPARK_DEFAULTS.items())
        self.env["SPARK_CONF_DIR"] = spark_conf
        if schemas:
            self.env["KAMW_SCHEMAS"] = schemas
        if kamw_vars:
            self.env["KAMW_VARS"] = " ".join("%s=%s" % kv for kv in kamw_vars.items())
        os.makedirs(home, exist_ok=True)
        self.runs = len(glob.glob(os.path.join(home, "*.log")))
        self.python = os.path.join(venv, "bin", "python")

    def migrate(self):
        result = subprocess.run([os.path.join(self.venv, "bin", "airflow"), "db", "migrate"], env=self.env,
                                capture_output=True, text=True)
        if result.returncode != 0:
            raise AssertionError("airflow db migrate failed:\n" + result.stdout[-3000:] + result.stderr[-3000:])

    def harness(self, *args, name):
        """Runs the harness; its JSON result, with the path of its output."""
        out = os.path.join(self.home, name + ".log")
        started = time.time()
        with open(out, "w") as f:
            result = subprocess.run([self.python, HARNESS, *args], env=self.env, stdout=f, stderr=subprocess.STDOUT,
                                    text=True)
        with open(out, encoding="utf-8", errors="replace") as f:
            text = f.read()
        lines = [line for line in text.splitlines() if line.startswith("KAMW-RESULT ")]
        log("%s: exit %d in %.0fs" % (" ".join(args), result.returncode, time.time() - started))
        if result.returncode != 0 or not lines:
            raise AssertionError("the harness (%s) failed with exit %d:\n%s" % (" ".join(args), result.returncode,
                                                                                   text[-6000:]))
        return json.loads(lines[-1][len("KAMW-RESULT "):]), text

    def dag_test(self, dag_id, logical_date):
        self.runs += 1
        return self.harness("test", dag_id, logical_date, name="%d-%s-%s" % (self.runs, dag_id, logical_date[:13]))


def kamw(*args, check=True):
    env = dict(os.environ, KAMW_EXTRA_JAVA_OPTS=TEST_JVM_OPTIONS)
    for key in ("KAMW_WAREHOUSE", "KAMW_LANDING", "KAMW_SCHEMAS"):
        env.pop(key, None)
    result = subprocess.run([KAMW, *args], capture_output=True, text=True, env=env)
    if check and result.returncode != 0:
        raise AssertionError("kamw %s failed with exit %d:\n%s" % (" ".join(args), result.returncode,
                                                                    result.stderr[-4000:]))
    return result


def bonus_runs(warehouse):
    """The bonus runs a warehouse recorded: what was closed and its totals, leaving out who closed it,
    when, and the Delta versions it read (a warehouse built in more steps has other version numbers)."""
    result = kamw("-q", "--warehouse", warehouse, "sql",
                  "select pay_period, pay_period_start, status, plan_versions, plan_hashes, as_of_date, computed_total,"
                  " paid_total, difference_total, lines, employees, status_counts from bonus_runs order by pay_period",
                  "--csv")
    return list(csv.DictReader(io.StringIO(result.stdout)))


class AirflowDagBagTest(unittest.TestCase):
    """The DAG folder loaded by the installed Airflow's DagBag."""

    @classmethod
    def setUpClass(cls):
        cls.venv = airflow_venv()
        cls.tmp = tempfile.mkdtemp(prefix="kamw-airflow-dagbag-")
        cls.airflow = Airflow(cls.venv, os.path.join(cls.tmp, "airflow"), os.path.join(cls.tmp, "warehouse"),
                              os.path.join(cls.tmp, "landing"))
        cls.bag, _ = cls.airflow.harness("dagbag", name="dagbag")

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_the_pins_are_exact_and_installed(self):
        with open(REQUIREMENTS, encoding="utf-8") as f:
            pins = [line.split("#")[0].strip() for line in f if line.split("#")[0].strip()]
        self.assertEqual(set(PINS), {p.split("==")[0] for p in pins})
        for pin in pins:
            name, _, version = pin.partition("==")
            self.assertRegex(version, r"^\d+(\.\d+)+$", "%s is pinned to an exact version" % name)
            if PINS[name]:
                self.assertEqual(PINS[name], version, name)
            installed = subprocess.run([self.airflow.python, "-c",
                                        "import importlib.metadata as m; print(m.version(%r))" % name],
                                       capture_output=True, text=True, check=True).stdout.strip()
            self.assertEqual(version, installed, name)

    def test_every_dag_file_imports_without_errors(self):
        self.assertEqual({}, self.bag["import_errors"])
        with open(os.path.join(DAGS, "dags.yaml"), encoding="utf-8") as f:
            expected = set(yaml.safe_load(f)["dags"])
        self.assertEqual(expected, set(self.bag["dags"]))
        for dag_id, dag in self.bag["dags"].items():
            self.assertEqual(os.path.join(DAGS, dag_id + ".py"), dag["fileloc"])

    def test_every_task_is_a_spark_submit_of_the_jar_with_the_workers_settings(self):
        accepted = set(self.bag["accepted"])
        # The stand-in of test_dags.py refuses what the real operator refuses: its list is within the real one.
        if TESTS not in sys.path:
            sys.path.insert(0, TESTS)
        from test_dags import BASE_OPERATOR_ARGS, SPARK_SUBMIT_ARGS

        self.assertLessEqual(SPARK_SUBMIT_ARGS | BASE_OPERATOR_ARGS, accepted)
        jar = self.airflow.env["KAMW_APP_JAR"]
        tasks = 0
        for dag_id, dag in self.bag["dags"].items():
            for task_id, task in dag["tasks"].items():
                where = "%s.%s" % (dag_id, task_id)
                tasks += 1
                self.assertEqual("airflow.providers.apache.spark.operators.spark_submit.SparkSubmitOperator",
                                 task["operator"], where)
                self.assertEqual(jar, task["application"], where)
                self.assertEqual("io.kamwarehouse.cli.Main", task["java_class"], where)
                self.assertEqual("spark_default", task["conn_id"], where)
                self.assertEqual(["--warehouse", self.airflow.env["KAMW_WAREHOUSE"],
                                  "--landing", self.airflow.env["KAMW_LANDING"], "--wait", "3600"],
                                 task["application_args"][:6], where)
                command = task["command"]
                # The hook's command: spark-submit against the connection's master, only spark.* as --conf
                # (spark-submit drops other keys), the jar, then every kamw option and the command.
                self.assertEqual(["spark-submit", "--master", "local[2]"], command[:3], where)
                at = command.index(jar)
                confs = [command[i + 1] for i, a in enumerate(command[:at]) if a == "--conf"]
                self.assertTrue(confs, where)
                for conf in confs:
                    self.assertTrue(conf.startswith("spark."), "%s: --conf %s is dropped by spark-submit" % (where, conf))
                self.assertIn("spark.sql.extensions=io.delta.sql.DeltaSparkSessionExtension", confs, where)
                self.assertEqual(command[command.index("--class") + 1], "io.kamwarehouse.cli.Main", where)
                self.assertEqual(task["application_args"], command[at + 1:], where)
                self.assertNotIn("kamw.", " ".join(command[:at]), "%s: kamw settings go after the jar" % where)
        self.assertGreater(tasks, 5)

    def test_the_real_operators_carry_what_the_stand_ins_of_test_dags_recorded(self):
        if TESTS not in sys.path:
            sys.path.insert(0, TESTS)
        import test_dags

        workers = {k: self.airflow.env[k] for k in ("KAMW_APP_JAR", "KAMW_WAREHOUSE", "KAMW_LANDING")}
        with mock.patch.dict(os.environ, workers):
            accepted = test_dags.accepted_arguments()[0]
            recorded = {d: test_dags.Dag(os.path.join(DAGS, f), accepted) for d, f in test_dags.DAG_FILES.items()}
        self.assertEqual(set(recorded), set(self.bag["dags"]))
        for dag_id, dag in self.bag["dags"].items():
            self.assertEqual(recorded[dag_id].tasks, set(dag["tasks"]), dag_id)
            for task_id, task in dag["tasks"].items():
                kw = recorded[dag_id].keywords[task_id]
                self.assertEqual(kw["application_args"], task["application_args"], task_id)
                self.assertEqual(kw["application"], task["application"], task_id)
                self.assertEqual(kw["conf"], task["conf"], task_id)
                self.assertEqual(sorted(recorded[dag_id].upstream(task_id)), task["upstream"], task_id)

    def test_the_edges_are_those_the_dag_files_declare(self):
        daily = self.bag["dags"]["kamw_daily"]["tasks"]
        self.assertEqual({"bronze": [], "silver": ["bronze"], "gold": ["bronze", "silver"]},
                         {t: task["upstream"] for t, task in daily.items()})
        self.assertEqual({"gold"}, set(self.bag["dags"]["kamw_monthly_close"]["tasks"]))
        self.assertEqual(["bonus", "close", "--period"],
                         self.bag["dags"]["kamw_quarterly_bonus_close"]["tasks"]["bonus_close"]["application_args"][6:9])


class AirflowRunsTheDagsTest(unittest.TestCase):
    """The daily, monthly close and quarterly bonus close DAGs run by dag.test() on a tiny sample,
    against `kamw pipeline` on the same drop; then a data check made to fail."""

    @classmethod
    def setUpClass(cls):
        started = time.time()
        cls.venv = airflow_venv()
        cls.tmp = tempfile.mkdtemp(prefix="kamw-airflow-run-")
        cls.landing = os.path.join(cls.tmp, "landing")
        cls.warehouse_dags = os.path.join(cls.tmp, "warehouse-airflow")
        cls.warehouse_kamw = os.path.join(cls.tmp, "warehouse-kamw")
        kamw("-q", "--landing", cls.landing, "--warehouse", cls.warehouse_kamw, "generate", "--scale", SCALE)
        assert os.path.isdir(os.path.join(cls.landing, "crm", DROP)), os.listdir(cls.landing)

        # The same drop through `kamw pipeline` and `kamw bonus close`, into the other warehouse, while
        # Airflow runs the DAGs. As in the demo, payroll pays the bonus run's instructions: after the
        # first pipeline its ledger comes back in the finance drop (`kamw generate --payroll-ledger`),
        # before the daily DAG runs again; the next pipeline takes it in and the close reconciles it.
        cls.kamw_log = os.path.join(cls.tmp, "kamw.log")
        env = {k: v for k, v in os.environ.items() if k not in ("KAMW_WAREHOUSE", "KAMW_LANDING", "KAMW_SCHEMAS")}
        env["KAMW_EXTRA_JAVA_OPTS"] = TEST_JVM_OPTIONS
        first = ('set -e; "$0" -q --warehouse "$1" --landing "$2" %s pipeline --date %s --exclude kind:example; '
                 '"$0" -q --warehouse "$1" --landing "$2" generate --scale %s --payroll-ledger'
                 % (MODEL_CONF, RUN_DATE, SCALE))
        then = ('set -e; "$0" -q --warehouse "$1" --landing "$2" %s pipeline --date %s --exclude kind:example; '
                '"$0" -q --warehouse "$1" --landing "$2" %s bonus close --period %s --by kamw'
                % (MODEL_CONF, RUN_DATE, MODEL_CONF, PERIOD))
        log_file = open(cls.kamw_log, "w")

        def reference(script):
            return subprocess.Popen(["bash", "-c", script, KAMW, cls.warehouse_kamw, cls.landing], env=env,
                                    stdout=log_file, stderr=subprocess.STDOUT)

        cls.airflow = Airflow(cls.venv, os.path.join(cls.tmp, "airflow"), cls.warehouse_dags, cls.landing,
                              kamw_vars=MODEL_VARS)
        cls.airflow.migrate()
        cls.runs = {}
        running = reference(first)
        try:
            cls.runs["daily"] = cls.airflow.dag_test("kamw_daily", DAILY)
            cls.runs["monthly"] = cls.airflow.dag_test("kamw_monthly_close", MONTHLY)
            cls.reference_exit = running.wait()
            if cls.reference_exit == 0:
                assert os.path.isfile(os.path.join(cls.landing, "finance", DROP, "bonus_payouts.csv")), \
                    os.listdir(os.path.join(cls.landing, "finance", DROP))
                running = reference(then)
            cls.runs["daily again"] = cls.airflow.dag_test("kamw_daily", DAILY)
            cls.runs["bonus"] = cls.airflow.dag_test("kamw_quarterly_bonus_close", BONUS)
        finally:
            cls.reference_exit = running.wait() or cls.reference_exit
            log_file.close()
        with open(cls.kamw_log, encoding="utf-8", errors="replace") as f:
            cls.reference_output = f.read()
        log("kamw pipeline and bonus close: exit %d" % cls.reference_exit)

        env = dict(os.environ, KAMW_SKIP_BUILD="1")
        compared = subprocess.run([KAMW_CLUSTER, "compare", cls.warehouse_dags, cls.warehouse_kamw], env=env,
                                  capture_output=True, text=True)
        cls.compare_exit, cls.compare_output = compared.returncode, compared.stdout + compared.stderr[-3000:]
        try:
            cls.bonus_runs = (bonus_runs(cls.warehouse_dags), bonus_runs(cls.warehouse_kamw))
        except AssertionError as e:
            cls.bonus_runs = e

        # A failing data check: the next day's drop, and a copy of the specs whose stg_crm__activities
        # must hold activities dated before June 2026 only, which the sample's history breaks.
        kamw("-q", "--landing", cls.landing, "--warehouse", cls.warehouse_kamw, "generate", "--scale", SCALE,
             "--increment", "1")
        cls.schemas = os.path.join(cls.tmp, "schemas")
        shutil.copytree(os.path.join(REPO, "schemas"), cls.schemas)
        spec = glob.glob(os.path.join(cls.schemas, "tables", "silver", "*", "stg_crm__activities", "table.yaml"))[0]
        with open(spec, encoding="utf-8") as f:
            text = f.read()
        text = text.replace("\nchecks:\n", "\nchecks:\n  - expression: \"activity_date < DATE '2026-06-01'\"\n"
                                           "    name: no_activity_after_may_2026\n", 1)
        assert "no_activity_after_may_2026" in text
        with open(spec, "w", encoding="utf-8") as f:
            f.write(text)
        failing = Airflow(cls.venv, cls.airflow.home, cls.warehouse_dags, cls.landing, schemas=cls.schemas,
                          kamw_vars=MODEL_VARS)
        cls.failing = failing.dag_test("kamw_daily", NEXT_DAILY)
        log("all runs done in %.0fs" % (time.time() - started))

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def assert_succeeded(self, run, tasks):
        result, output = run
        self.assertEqual(tasks, set(result["tasks"]), output[-3000:])
        for task_id, state in result["tasks"].items():
            self.assertEqual("success", state, "%s.%s:\n%s" % (result["dag_id"], task_id, output[-6000:]))
        self.assertEqual("success", result["state"])
        # Every task ran the jar through spark-submit (the hook logs the command it runs).
        self.assertEqual(len(tasks), output.count("Spark-Submit cmd: spark-submit --master local[2]"), result["dag_id"])

    def test_the_daily_dag_runs_bronze_silver_and_gold_for_the_run_date(self):
        for run in ("daily", "daily again"):
            self.assert_succeeded(self.runs[run], {"bronze", "silver", "gold"})
            result = self.runs[run][0]
            self.assertEqual(DAILY, result["data_interval_end"])
            for task_id, args in result["rendered"].items():
                self.assertEqual(["--date", RUN_DATE], args[-2:], task_id)
                self.assertEqual(["--warehouse", self.warehouse_dags, "--landing", self.landing], args[:4], task_id)

    def test_the_monthly_close_builds_the_month_end_tables(self):
        self.assert_succeeded(self.runs["monthly"], {"gold"})
        self.assertEqual(["--date", RUN_DATE], self.runs["monthly"][0]["rendered"]["gold"][-2:])
        for table in ("fct_account_clv", "fct_account_tier", "mart_retention_projection",
                      "fct_contract_expected_lifetime", "mart_model_fit"):
            line = [line for line in self.compare_output.splitlines() if line.startswith(table + " ")]
            self.assertEqual(1, len(line), "%s in:\n%s" % (table, self.compare_output))
            rows_airflow, rows_kamw = line[0].split()[1:3]
            self.assertGreater(int(rows_airflow), 0, line[0])
            self.assertEqual(rows_kamw, rows_airflow, line[0])

    def test_the_bonus_close_closes_the_pay_period_that_ended_as_kamw_does(self):
        self.assert_succeeded(self.runs["bonus"], {"bonus_close"})
        self.assertEqual(["bonus", "close", "--period", PERIOD], self.runs["bonus"][0]["rendered"]["bonus_close"][-4:])
        if isinstance(self.bonus_runs, AssertionError):
            self.fail("the bonus runs could not be read: %s" % self.bonus_runs)
        dags, reference = self.bonus_runs
        self.assertEqual(1, len(dags), dags)
        self.assertEqual(PERIOD, dags[0]["pay_period"], dags)
        self.assertEqual("closed", dags[0]["status"], dags)
        self.assertGreater(int(dags[0]["lines"]), 0, dags)
        self.assertEqual(reference, dags)

    def test_the_gold_tables_equal_those_of_kamw_pipeline_on_the_same_drop(self):
        self.assertEqual(0, self.reference_exit, self.reference_output[-4000:])
        self.assertEqual(0, self.compare_exit, self.compare_output)
        lines = [line.split() for line in self.compare_output.splitlines()
                 if line.split() and line.split()[-1] in ("yes", "NO")]
        tables = {line[0] for line in lines}
        self.assertIn("%d gold tables, all the same" % len(tables), self.compare_output)
        product_gold = set()
        for path in glob.glob(os.path.join(REPO, "schemas", "tables", "gold", "*", "*", "table.yaml")):
            product_gold.add(os.path.basename(os.path.dirname(path)))
        self.assertLessEqual(product_gold, tables, "every product gold table is compared")
        for line in lines:
            if line[0] in product_gold:
                self.assertGreater(int(line[1]), 0, "%s is built, with rows" % line[0])

    def test_a_failing_data_check_stops_the_tasks_downstream(self):
        result, output = self.failing
        self.assertEqual({"bronze": "success", "silver": "failed", "gold": "upstream_failed"}, result["tasks"],
                         output[-6000:])
        self.assertEqual("failed", result["state"])
        self.assertEqual(["--date", "2026-10-01"], result["rendered"]["silver"][-2:])
        self.assertIn("no_activity_after_may_2026", output)
        # Only bronze and silver ran spark-submit: gold never started.
        self.assertEqual(2, output.count("Spark-Submit cmd: spark-submit --master local[2]"))


if __name__ == "__main__":
    unittest.main()
