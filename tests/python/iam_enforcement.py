"""Drives `serve --enforce-iam` through boto3 and prints one JSON line per check:
{"check": name, "ok": bool, "detail": text}.

Usage: python iam_enforcement.py ENDPOINT_URL
The environment's credentials are the account root's (test/test): the script creates the users,
roles and buckets, then calls as each user with the keys IAM gave it. Seed 000's policy 4-1 is
denied on a `us.` profile Converse and the corrected policy allowed; 4-2 lets StartQuery on its
group only; the seed's logging role passes Bedrock's checks and a role without the trust fails;
wrong keys and secrets fail in each protocol; an S3 upload and a presigned GET verify, a
tampered presigned URL does not.
"""

import json
import sys
import urllib.error
import urllib.request

import boto3
import botocore.config
import botocore.exceptions

URL = sys.argv[1]
ACCOUNT = "123456789012"
PROFILE = "us.anthropic.claude-sonnet-4-5-20250929-v1:0"
GROUP = "/aws/bedrock/modelinvocations"
POLICY_4_1 = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"],
            "Resource": "arn:aws:bedrock:*::foundation-model/us.anthropic.claude-sonnet-4-5-*",
        }
    ],
}
POLICY_4_1_FIXED = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": ["bedrock:InvokeModel", "bedrock:InvokeModelWithResponseStream"],
            "Resource": [
                "arn:aws:bedrock:*:*:inference-profile/us.anthropic.claude-sonnet-4-5-*",
                "arn:aws:bedrock:*::foundation-model/anthropic.claude-sonnet-4-5-*",
            ],
        }
    ],
}
POLICY_4_2 = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": [
                "logs:DescribeLogGroups",
                "logs:DescribeLogStreams",
                "logs:GetLogEvents",
                "logs:FilterLogEvents",
                "logs:StartQuery",
                "logs:GetQueryResults",
            ],
            "Resource": "arn:aws:logs:*:*:log-group:/aws/bedrock/modelinvocations:*",
        }
    ],
}
TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "bedrock.amazonaws.com"},
            "Action": "sts:AssumeRole",
            "Condition": {
                "StringEquals": {"aws:SourceAccount": ACCOUNT},
                "ArnLike": {"aws:SourceArn": f"arn:aws:bedrock:us-east-1:{ACCOUNT}:*"},
            },
        }
    ],
}
LOGS = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:{GROUP}:*",
        }
    ],
}

results = []


def check(name, ok, detail=""):
    results.append({"check": name, "ok": bool(ok), "detail": str(detail)})


def error_of(fn, *args, **kwargs):
    """(code, message) of the error a call fails with, ("", "") when it succeeds."""
    try:
        fn(*args, **kwargs)
        return ("", "")
    except botocore.exceptions.ClientError as err:
        return (err.response["Error"]["Code"], err.response["Error"].get("Message", ""))


def client(service, key="test", secret="test", **extra):
    config = botocore.config.Config(retries={"max_attempts": 1}, s3={"addressing_style": "path"})
    return boto3.client(
        service,
        endpoint_url=URL,
        region_name="us-east-1",
        aws_access_key_id=key,
        aws_secret_access_key=secret,
        config=config,
        **extra,
    )


def user(name, policy):
    iam = client("iam")
    iam.create_user(UserName=name)
    if policy is not None:
        iam.put_user_policy(UserName=name, PolicyName="app", PolicyDocument=json.dumps(policy))
    key = iam.create_access_key(UserName=name)["AccessKey"]
    return key["AccessKeyId"], key["SecretAccessKey"]


def converse(runtime):
    return runtime.converse(modelId=PROFILE, messages=[{"role": "user", "content": [{"text": "hi"}]}])


def main():
    # Seed 000's policy 4-1, then corrected.
    key, secret = user("app", POLICY_4_1)
    app = client("bedrock-runtime", key, secret)
    code, message = error_of(converse, app)
    want = (
        f"User: arn:aws:iam::{ACCOUNT}:user/app is not authorized to perform: bedrock:InvokeModel on resource: "
        f"arn:aws:bedrock:us-east-1:{ACCOUNT}:inference-profile/{PROFILE} because no identity-based policy allows "
        "the bedrock:InvokeModel action"
    )
    check("4-1 denies a us. profile Converse", code == "AccessDeniedException" and message == want, (code, message))
    denials = json.load(urllib.request.urlopen(f"{URL}/_emulator/iam/denials"))["denials"]
    check("the denial is listed and explained", denials and denials[-1]["statements"][0]["resource"] is False, denials[-1:])
    client("iam").put_user_policy(UserName="app", PolicyName="app", PolicyDocument=json.dumps(POLICY_4_1_FIXED))
    out = converse(app)
    check("the corrected policy allows it", out["usage"]["outputTokens"] > 0, out["usage"])
    stream = app.converse_stream(modelId=PROFILE, messages=[{"role": "user", "content": [{"text": "hi"}]}])
    events = [e for e in stream["stream"]]
    check("and ConverseStream", any("metadata" in e for e in events), len(events))

    # Policy 4-2.
    logs = client("logs")
    logs.create_log_group(logGroupName="/app/other")
    key, secret = user("analyst", POLICY_4_2)
    analyst = client("logs", key, secret)
    started = analyst.start_query(logGroupName=GROUP, startTime=0, endTime=4102444800, queryString="stats count(*)")
    check("4-2 allows StartQuery on the Bedrock group", "queryId" in started, started)
    code, message = error_of(
        analyst.start_query, logGroupName="/app/other", startTime=0, endTime=4102444800, queryString="stats count(*)"
    )
    check(
        "4-2 denies StartQuery on another group",
        code == "AccessDeniedException" and f"log-group:/app/other:* because" in message,
        (code, message),
    )

    # The seed's logging role; a role without the trust policy.
    iam = client("iam")
    iam.create_role(RoleName="BedrockLoggingRole", AssumeRolePolicyDocument=json.dumps(TRUST))
    iam.put_role_policy(RoleName="BedrockLoggingRole", PolicyName="BedrockCloudWatchLogsPolicy", PolicyDocument=json.dumps(LOGS))
    other = dict(TRUST)
    other["Statement"] = [dict(TRUST["Statement"][0], Principal={"Service": "ec2.amazonaws.com"})]
    iam.create_role(RoleName="Untrusting", AssumeRolePolicyDocument=json.dumps(other))
    iam.put_role_policy(RoleName="Untrusting", PolicyName="logs", PolicyDocument=json.dumps(LOGS))
    bedrock = client("bedrock")

    def put(role):
        cfg = {"cloudWatchConfig": {"logGroupName": GROUP, "roleArn": f"arn:aws:iam::{ACCOUNT}:role/{role}"}}
        return bedrock.put_model_invocation_logging_configuration(loggingConfig=dict(cfg, textDataDeliveryEnabled=True))

    code, message = error_of(put, "BedrockLoggingRole")
    check("the seed's logging role passes Bedrock's checks", code == "", (code, message))
    code, message = error_of(put, "Untrusting")
    want = (
        f"Failed to validate permissions for log group: {GROUP}, with role: arn:aws:iam::{ACCOUNT}:role/Untrusting. "
        "Verify the IAM role permissions are correct."
    )
    check("a role that does not trust Bedrock fails", code == "ValidationException" and message == want, (code, message))

    # Signatures.
    code, _ = error_of(converse, client("bedrock-runtime", "AKIDNOBODYKNOWS", "x"))
    check("unknown key: UnrecognizedClientException", code == "UnrecognizedClientException", code)
    code, _ = error_of(client("sts", "AKIDNOBODYKNOWS", "x").get_caller_identity)
    check("unknown key: InvalidClientTokenId", code == "InvalidClientTokenId", code)
    code, _ = error_of(client("s3", "AKIDNOBODYKNOWS", "x").list_buckets)
    check("unknown key: InvalidAccessKeyId", code == "InvalidAccessKeyId", code)
    code, _ = error_of(converse, client("bedrock-runtime", "test", "wrong"))
    check("wrong secret: InvalidSignatureException", code == "InvalidSignatureException", code)
    code, _ = error_of(client("iam", "test", "wrong").list_users)
    check("wrong secret: SignatureDoesNotMatch (IAM)", code == "SignatureDoesNotMatch", code)
    code, _ = error_of(client("s3", "test", "wrong").list_buckets)
    check("wrong secret: SignatureDoesNotMatch (S3)", code == "SignatureDoesNotMatch", code)

    # S3: a multipart upload and a presigned GET, verified; a tampered URL refused.
    s3 = client("s3")
    s3.create_bucket(Bucket="enforced")
    s3.put_object(Bucket="enforced", Key="small.txt", Body=b"hello")
    import io

    s3.upload_fileobj(io.BytesIO(b"x" * (9 * 1024 * 1024)), "enforced", "big.bin")
    head = s3.head_object(Bucket="enforced", Key="big.bin")
    check("an uploaded object (multipart) is stored", head["ContentLength"] == 9 * 1024 * 1024, head["ContentLength"])
    url = s3.generate_presigned_url("get_object", Params={"Bucket": "enforced", "Key": "small.txt"}, ExpiresIn=300)
    body = urllib.request.urlopen(url).read()
    check("a presigned GET verifies", body == b"hello", body)
    try:
        urllib.request.urlopen(url.replace("small.txt", "big.bin"))
        check("a tampered presigned URL is refused", False, "it was answered")
    except urllib.error.HTTPError as err:
        text = err.read().decode()
        check("a tampered presigned URL is refused", err.code == 403 and "SignatureDoesNotMatch" in text, text[:200])


try:
    main()
except Exception as exc:  # a crash is one failed check with the reason
    check("script ran to the end", False, repr(exc))
for r in results:
    print(json.dumps(r))
