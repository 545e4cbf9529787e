"""Calls operations through boto3's own clients and reports, one JSON line each, what came back.

Usage: python unimplemented_operations.py ENDPOINT_URL < operations.jsonl
Each input line is {"service": "<botocore service name>", "operation": "<OperationName>"}.
Each output line is {"service", "operation", "sent": true|false, "code", "message", "status"}
or, for an operation boto3 cannot send to a custom endpoint (a `hostPrefix` endpoint trait),
{"service", "operation", "sent": false, "why"}.

Parameter validation is off, and every required input member gets a plain value of its type, so
the request reaches the emulator in the service's own protocol exactly as boto3 serializes it.
"""

import datetime
import json
import sys

import boto3
import botocore.config
import botocore.exceptions

REGION = "us-east-1"


def value_for(shape, depth=0):
    """A plain value of `shape` with every required member filled in."""
    kind = shape.type_name
    if depth > 8:
        return None
    if kind == "structure":
        out = {}
        for name in shape.required_members:
            v = value_for(shape.members[name], depth + 1)
            if v is not None:
                out[name] = v
        return out
    if kind == "list":
        return []
    if kind == "map":
        return {}
    if kind == "string":
        if shape.enum:
            return shape.enum[0]
        return "x"
    if kind in ("integer", "long"):
        return 1
    if kind in ("float", "double"):
        return 1.0
    if kind == "boolean":
        return True
    if kind == "timestamp":
        return datetime.datetime(2025, 12, 3, 10, 0, 0, tzinfo=datetime.timezone.utc)
    if kind == "blob":
        return b"x"
    return None


def params_for(service, operation_model):
    shape = operation_model.input_shape
    params = value_for(shape) if shape is not None else {}
    if service == "s3":
        if "Bucket" in params:
            params["Bucket"] = "emulator-test-bucket"
        if "Key" in params:
            params["Key"] = "a/b.json"
    return params


def main():
    endpoint = sys.argv[1]
    clients = {}
    config = botocore.config.Config(
        parameter_validation=False,
        retries={"max_attempts": 1, "mode": "standard"},
        s3={"addressing_style": "path"},
        connect_timeout=5,
        read_timeout=10,
    )
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        req = json.loads(line)
        service, op = req["service"], req["operation"]
        out = {"service": service, "operation": op}
        if service not in clients:
            clients[service] = boto3.client(
                service,
                endpoint_url=endpoint,
                region_name=REGION,
                aws_access_key_id="AKIDINTEGRATIONTEST",
                aws_secret_access_key="integration-secret",
                config=config,
            )
        client = clients[service]
        model = client.meta.service_model
        if op not in model.operation_names:
            out.update(sent=False, why="this botocore does not know the operation")
            print(json.dumps(out), flush=True)
            continue
        op_model = model.operation_model(op)
        if op_model.endpoint and op_model.endpoint.get("hostPrefix"):
            out.update(sent=False, why="hostPrefix endpoint trait: " + op_model.endpoint["hostPrefix"])
            print(json.dumps(out), flush=True)
            continue
        try:
            client._make_api_call(op, params_for(service, op_model))
            out.update(sent=True, code=None, message="the call succeeded", status=200)
        except botocore.exceptions.ClientError as err:
            e = err.response.get("Error", {})
            out.update(
                sent=True,
                code=e.get("Code"),
                message=e.get("Message"),
                status=err.response.get("ResponseMetadata", {}).get("HTTPStatusCode"),
            )
        except Exception as err:  # noqa: BLE001 - reported, the Rust test decides
            out.update(sent=True, code=None, message="client exception: " + repr(err), status=None)
        print(json.dumps(out), flush=True)


if __name__ == "__main__":
    main()
