"""Amazon Athena through boto3 against the emulator at AWS_ENDPOINT_URL: every operation the
emulator answers and its modelled errors; prints one JSON object the Rust test checks
(tests/integration/python_athena.rs)."""
import gzip
import json
import sys

import boto3

OUTPUT = "s3://athena-query-results-123456789012/"
athena = boto3.client("athena")
s3 = boto3.client("s3")
s3.create_bucket(Bucket="athena-query-results-123456789012")
s3.create_bucket(Bucket="athena-data")
s3.put_object(Bucket="athena-data", Key="logs/a.jsonl",
              Body=b'{"modelId":"m1","input":{"inputTokenCount":10}}\n{"modelId":"m2","input":{"inputTokenCount":20}}\n')
s3.put_object(Bucket="athena-data", Key="logs/b.json.gz",
              Body=gzip.compress(b'{"ModelId":"m1","Input":{"InputTokenCount":5}}\n'))


def run(sql, **kw):
    qid = athena.start_query_execution(QueryString=sql, ResultConfiguration={"OutputLocation": OUTPUT}, **kw)["QueryExecutionId"]
    for _ in range(100000):
        e = athena.get_query_execution(QueryExecutionId=qid)["QueryExecution"]
        if e["Status"]["State"] not in ("QUEUED", "RUNNING"):
            return qid, e
    sys.exit("query did not finish: " + sql)


def code(fn, **kw):
    try:
        fn(**kw)
    except athena.exceptions.InvalidRequestException as e:
        return "InvalidRequestException:" + e.response["Error"]["Message"]
    except athena.exceptions.MetadataException as e:
        return "MetadataException"
    return "no error"


out = {}
out["ddl"] = [run("CREATE DATABASE logs_db")[1]["Status"]["State"],
              run("CREATE EXTERNAL TABLE logs_db.calls (modelid string, input struct<inputtokencount:int>) "
                  "ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe' LOCATION 's3://athena-data/logs/'")[1]["StatementType"]]
qid, e = run("SELECT modelid, SUM(input.inputtokencount) AS tokens FROM calls GROUP BY modelid ORDER BY modelid",
             QueryExecutionContext={"Database": "logs_db"})
out["state"] = e["Status"]["State"]
out["scanned"] = e["Statistics"]["DataScannedInBytes"] > 0
res = athena.get_query_results(QueryExecutionId=qid, MaxResults=2)
out["page1"] = [[d.get("VarCharValue") for d in r["Data"]] for r in res["ResultSet"]["Rows"]]
out["types"] = [c["Type"] for c in res["ResultSet"]["ResultSetMetadata"]["ColumnInfo"]]
res2 = athena.get_query_results(QueryExecutionId=qid, NextToken=res["NextToken"])
out["page2"] = [[d.get("VarCharValue") for d in r["Data"]] for r in res2["ResultSet"]["Rows"]]
paginator = athena.get_paginator("get_query_results")
out["paginated"] = sum(len(p["ResultSet"]["Rows"]) for p in paginator.paginate(QueryExecutionId=qid, PaginationConfig={"PageSize": 1}))
out["csv"] = s3.get_object(Bucket="athena-query-results-123456789012", Key=qid + ".csv")["Body"].read().decode()
fid, fe = run("SELECT FROM_ISO8601_TIMESTAMP('nope')")
out["failed"] = [fe["Status"]["State"], fe["Status"]["AthenaError"]["ErrorCategory"], fe["Status"]["StateChangeReason"]]
out["errors"] = {
    "noOutput": code(athena.start_query_execution, QueryString="SELECT 1"),
    "resultsOfFailed": code(athena.get_query_results, QueryExecutionId=fid).split(":")[0],
    "unknownId": code(athena.get_query_execution, QueryExecutionId="nope"),
    "unknownGroup": code(athena.get_work_group, WorkGroup="nope"),
    "unknownTable": code(athena.get_table_metadata, CatalogName="AwsDataCatalog", DatabaseName="logs_db", TableName="nope"),
}
athena.stop_query_execution(QueryExecutionId=qid)
out["listed"] = len(athena.list_query_executions()["QueryExecutionIds"])
batch = athena.batch_get_query_execution(QueryExecutionIds=[qid, "missing"])
out["batch"] = [len(batch["QueryExecutions"]), batch["UnprocessedQueryExecutionIds"][0]["QueryExecutionId"]]
out["databases"] = [d["Name"] for d in athena.list_databases(CatalogName="AwsDataCatalog")["DatabaseList"]]
out["tables"] = [t["Name"] for t in athena.list_table_metadata(CatalogName="AwsDataCatalog", DatabaseName="logs_db")["TableMetadataList"]]
out["columns"] = [[c["Name"], c["Type"]] for c in athena.get_table_metadata(
    CatalogName="AwsDataCatalog", DatabaseName="logs_db", TableName="calls")["TableMetadata"]["Columns"]]
out["workGroups"] = [g["Name"] for g in athena.list_work_groups()["WorkGroups"]]
out["primary"] = athena.get_work_group(WorkGroup="primary")["WorkGroup"]["State"]
print(json.dumps(out))
