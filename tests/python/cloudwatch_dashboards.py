"""CloudWatch dashboards through boto3 (awsJson1.0 with x-amzn-query-mode) against the emulator
(AWS_ENDPOINT_URL): seed 000's dashboard JSON (the file given as the first argument) put as is,
every dashboard operation, and each error with botocore's modelled exception. Prints one JSON
object the Rust test checks; any unexpected answer raises."""

import json
import sys

import boto3
import botocore

cw = boto3.client("cloudwatch")
seed = open(sys.argv[1], encoding="utf-8").read()
out = {"botocore": botocore.__version__}

put = cw.put_dashboard(DashboardName="Seed-000", DashboardBody=seed)
out["putMessages"] = put["DashboardValidationMessages"]
got = cw.get_dashboard(DashboardName="Seed-000")
out["roundTrip"] = got["DashboardBody"] == seed
out["arn"] = got["DashboardArn"]
cw.put_dashboard(DashboardName="Other", DashboardBody='{"widgets": []}')
out["listed"] = [e["DashboardName"] for e in cw.list_dashboards()["DashboardEntries"]]
out["prefixed"] = [e["DashboardName"] for e in cw.list_dashboards(DashboardNamePrefix="Se")["DashboardEntries"]]
out["paginated"] = [e["DashboardName"] for p in cw.get_paginator("list_dashboards").paginate() for e in p["DashboardEntries"]]
cw.delete_dashboards(DashboardNames=["Other"])

errors = {}
try:
    cw.put_dashboard(DashboardName="bad", DashboardBody='{"widgets": [{"type": "log", "properties": {"query": 1}}]}')
    raise AssertionError("accepted")
except cw.exceptions.DashboardInvalidInputError as e:
    errors["invalidBody"] = {
        "code": e.response["Error"]["Code"],
        "message": e.response["Error"]["Message"],
        "messages": e.response.get("dashboardValidationMessages"),
    }
try:
    cw.put_dashboard(DashboardName="bad name", DashboardBody=seed)
    raise AssertionError("accepted")
except cw.exceptions.DashboardInvalidInputError as e:
    errors["invalidName"] = e.response["Error"]["Code"]
try:
    cw.get_dashboard(DashboardName="Other")
    raise AssertionError("found")
except botocore.exceptions.ClientError as e:
    # Two of the model's shapes carry the code ResourceNotFound; botocore raises ResourceNotFound.
    errors["notFound"] = [e.response["Error"]["Code"], e.response["Error"]["Message"], e.response["ResponseMetadata"]["HTTPStatusCode"]]
try:
    cw.delete_dashboards(DashboardNames=["Nope"])
    raise AssertionError("deleted")
except botocore.exceptions.ClientError as e:
    errors["deleteMissing"] = e.response["Error"]["Code"]
try:
    cw.list_dashboards(DashboardNamePrefix="bad prefix")
    raise AssertionError("listed")
except cw.exceptions.InvalidParameterValueException as e:
    errors["badPrefix"] = e.response["Error"]["Code"]
out["errors"] = errors
print(json.dumps(out))
