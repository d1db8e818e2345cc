"""Runs the DAG folder in a real Apache Airflow: executed by the interpreter of the pinned Airflow
environment (dags/requirements.txt, made by bin/kamw-venv), never by the unit tests' own Python.
test_airflow.py starts it in a subprocess with AIRFLOW_HOME, the DAG folder, the spark_default
connection and the workers' KAMW_* variables set, and reads the JSON it prints last.

    python airflow_harness.py dagbag
        Loads the DAG folder with Airflow's DagBag and prints, per DAG and task, the operator, its
        arguments and the spark-submit command line the installed hook builds from them (with the
        spark_default connection resolved), and the argument names the installed operator accepts.
    python airflow_harness.py test DAG_ID LOGICAL_DATE
        Runs one DAG run with dag.test() for the logical date (ISO 8601, UTC) and prints every task
        instance's state, the run's state, and its data interval. Retries are set to 0 for this run
        so a failing task fails at once instead of waiting for its retry delay.
"""

import datetime
import inspect
import json
import os
import sys


def bag():
    from airflow.dag_processing.dagbag import DagBag  # Airflow 3

    return DagBag(dag_folder=os.environ["AIRFLOW__CORE__DAGS_FOLDER"])


def accepted_arguments():
    from airflow.providers.apache.spark.operators.spark_submit import SparkSubmitOperator
    from airflow.sdk import BaseOperator

    names = set(inspect.signature(SparkSubmitOperator.__init__).parameters)
    names |= set(inspect.signature(BaseOperator.__init__).parameters)
    return sorted(names - {"self", "args", "kwargs"})


def describe(dagbag):
    out = {
        "import_errors": {path: str(error) for path, error in dagbag.import_errors.items()},
        "accepted": accepted_arguments(),
        "dags": {},
    }
    for dag_id, dag in sorted(dagbag.dags.items()):
        tasks = {}
        for task in dag.tasks:
            hook = task._get_hook()
            tasks[task.task_id] = {
                "operator": "%s.%s" % (type(task).__module__, type(task).__name__),
                "application": task.application,
                "application_args": list(task.application_args or []),
                "java_class": task._java_class,
                "conn_id": task._conn_id,
                "conf": dict(task.conf or {}),
                "upstream": sorted(task.upstream_task_ids),
                "retries": task.retries,
                "command": hook._build_spark_submit_command(task.application),
            }
        out["dags"][dag_id] = {"fileloc": dag.fileloc, "tasks": tasks}
    return out


def run(dag_id, logical_date):
    from airflow.models.dagrun import DagRun
    from airflow.utils.session import create_session

    dag = bag().get_dag(dag_id)
    if dag is None:
        raise SystemExit("no DAG %s in the DAG folder" % dag_id)
    for task in dag.tasks:
        task.retries = 0
    when = datetime.datetime.fromisoformat(logical_date)
    if when.tzinfo is None:
        when = when.replace(tzinfo=datetime.timezone.utc)
    dag.test(logical_date=when)
    with create_session() as session:
        runs = DagRun.find(dag_id=dag_id, logical_date=when, session=session)
        assert len(runs) == 1, runs
        dr = runs[0]
        return {
            "dag_id": dag_id,
            "run_id": dr.run_id,
            "state": str(dr.state),
            "logical_date": dr.logical_date.isoformat(),
            "data_interval_end": dr.data_interval_end.isoformat() if dr.data_interval_end else None,
            "tasks": {ti.task_id: str(ti.state) for ti in dr.get_task_instances(session=session)},
            "rendered": {ti.task_id: rendered_args(ti, session) for ti in dr.get_task_instances(session=session)},
        }


def rendered_args(ti, session):
    """The application arguments as Airflow rendered them for the task instance."""
    from airflow.models.renderedtifields import RenderedTaskInstanceFields

    fields = RenderedTaskInstanceFields.get_templated_fields(ti, session=session) or {}
    return fields.get("application_args")


def main(argv):
    if argv[:1] == ["dagbag"]:
        result = describe(bag())
    elif argv[:1] == ["test"] and len(argv) == 3:
        result = run(argv[1], argv[2])
    else:
        raise SystemExit(__doc__)
    sys.stdout.flush()
    print("KAMW-RESULT " + json.dumps(result, default=str))


if __name__ == "__main__":
    main(sys.argv[1:])
