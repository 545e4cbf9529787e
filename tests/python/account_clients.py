"""Drives the account's operations through boto3's own clients (STS, IAM, S3, Bedrock) and prints
one JSON line per check: {"check": name, "ok": bool, "detail": text}.

Usage: python account_clients.py ENDPOINT_URL
Credentials come from the environment (the test key); the S3 client uses path-style addressing,
as botocore does for an IP endpoint.
"""

import json
import sys

import boto3
import botocore.config
import botocore.exceptions

ACCOUNT = "123456789012"
TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "sts:AssumeRole"}],
}
LOGS_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": f"arn:aws:logs:us-east-1:{ACCOUNT}:log-group:/aws/bedrock/modelinvocations:*",
        }
    ],
}

results = []


def check(name, ok, detail=""):
    results.append({"check": name, "ok": bool(ok), "detail": str(detail)})


def code_of(fn, *args, **kwargs):
    """The error code a call fails with, or "" when it succeeds."""
    try:
        fn(*args, **kwargs)
        return ""
    except botocore.exceptions.ClientError as e:
        return e.response["Error"]["Code"]


def main():
    endpoint = sys.argv[1]
    config = botocore.config.Config(retries={"max_attempts": 1}, s3={"addressing_style": "path"})
    session = boto3.session.Session(region_name="us-east-1")
    sts = session.client("sts", endpoint_url=endpoint, config=config)
    iam = session.client("iam", endpoint_url=endpoint, config=config)
    s3 = session.client("s3", endpoint_url=endpoint, config=config)
    bedrock = session.client("bedrock", endpoint_url=endpoint, config=config)

    # STS.
    me = sts.get_caller_identity()
    check("sts.get_caller_identity", me["Account"] == ACCOUNT and me["Arn"].startswith("arn:aws:") and me["UserId"], me)

    # IAM roles: the document comes back decoded to the JSON that was sent.
    role = iam.create_role(RoleName="BedrockLoggingRole", AssumeRolePolicyDocument=json.dumps(TRUST))["Role"]
    check("iam.create_role", role["Arn"] == f"arn:aws:iam::{ACCOUNT}:role/BedrockLoggingRole", role["Arn"])
    got = iam.get_role(RoleName="BedrockLoggingRole")["Role"]
    check("iam.get_role decodes the trust policy", got["AssumeRolePolicyDocument"] == TRUST, got["AssumeRolePolicyDocument"])
    check("iam.create_role duplicate", code_of(iam.create_role, RoleName="bedrockloggingrole", AssumeRolePolicyDocument=json.dumps(TRUST)) == "EntityAlreadyExists")
    check("iam.get_role missing", code_of(iam.get_role, RoleName="Nope") == "NoSuchEntity")
    iam.update_assume_role_policy(RoleName="BedrockLoggingRole", PolicyDocument=json.dumps(TRUST))
    iam.tag_role(RoleName="BedrockLoggingRole", Tags=[{"Key": "team", "Value": "ml"}])
    check("iam.list_role_tags", iam.list_role_tags(RoleName="BedrockLoggingRole")["Tags"] == [{"Key": "team", "Value": "ml"}])
    iam.untag_role(RoleName="BedrockLoggingRole", TagKeys=["team"])
    check("iam.list_roles", [r["RoleName"] for r in iam.list_roles()["Roles"]] == ["BedrockLoggingRole"])

    # Inline and managed policies.
    iam.put_role_policy(RoleName="BedrockLoggingRole", PolicyName="logs", PolicyDocument=json.dumps(LOGS_POLICY))
    doc = iam.get_role_policy(RoleName="BedrockLoggingRole", PolicyName="logs")["PolicyDocument"]
    check("iam.get_role_policy decodes", doc == LOGS_POLICY, doc)
    check("iam.list_role_policies", iam.list_role_policies(RoleName="BedrockLoggingRole")["PolicyNames"] == ["logs"])
    bad = {"Version": "2012-10-17", "Statement": [{"Action": "s3:*", "Resource": "*"}]}
    try:
        iam.put_role_policy(RoleName="BedrockLoggingRole", PolicyName="bad", PolicyDocument=json.dumps(bad))
        check("iam.put_role_policy malformed", False, "accepted")
    except botocore.exceptions.ClientError as e:
        err = e.response["Error"]
        check("iam.put_role_policy malformed", err["Code"] == "MalformedPolicyDocument" and err["Message"] == "Missing required field Effect", err)
    policy_arn = iam.create_policy(PolicyName="BedrockLoggingPolicy", PolicyDocument=json.dumps(LOGS_POLICY))["Policy"]["Arn"]
    check("iam.get_policy", iam.get_policy(PolicyArn=policy_arn)["Policy"]["DefaultVersionId"] == "v1")
    version = iam.get_policy_version(PolicyArn=policy_arn, VersionId="v1")["PolicyVersion"]
    check("iam.get_policy_version decodes", version["Document"] == LOGS_POLICY, version)
    iam.attach_role_policy(RoleName="BedrockLoggingRole", PolicyArn=policy_arn)
    attached = iam.list_attached_role_policies(RoleName="BedrockLoggingRole")["AttachedPolicies"]
    check("iam.list_attached_role_policies", [a["PolicyArn"] for a in attached] == [policy_arn])
    check("iam.delete_role conflict", code_of(iam.delete_role, RoleName="BedrockLoggingRole") == "DeleteConflict")
    check("iam.delete_policy conflict", code_of(iam.delete_policy, PolicyArn=policy_arn) == "DeleteConflict")
    check("iam.list_policies", any(p["Arn"] == policy_arn for p in iam.list_policies(Scope="Local")["Policies"]))

    # Users and keys; the key names its user, AssumeRole gives the assumed-role ARN.
    iam.create_user(UserName="alice")
    check("iam.get_user", iam.get_user(UserName="alice")["User"]["Arn"] == f"arn:aws:iam::{ACCOUNT}:user/alice")
    iam.put_user_policy(UserName="alice", PolicyName="logs", PolicyDocument=json.dumps(LOGS_POLICY))
    check("iam.get_user_policy", iam.get_user_policy(UserName="alice", PolicyName="logs")["PolicyDocument"] == LOGS_POLICY)
    iam.attach_user_policy(UserName="alice", PolicyArn=policy_arn)
    check("iam.list_attached_user_policies", len(iam.list_attached_user_policies(UserName="alice")["AttachedPolicies"]) == 1)
    key = iam.create_access_key(UserName="alice")["AccessKey"]
    check("iam.create_access_key", key["AccessKeyId"].startswith("AKIA") and key["Status"] == "Active")
    iam.update_access_key(UserName="alice", AccessKeyId=key["AccessKeyId"], Status="Active")
    check("iam.list_access_keys", [k["AccessKeyId"] for k in iam.list_access_keys(UserName="alice")["AccessKeyMetadata"]] == [key["AccessKeyId"]])
    alice = boto3.session.Session(
        region_name="us-east-1", aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"]
    )
    alice_sts = alice.client("sts", endpoint_url=endpoint, config=config)
    check("sts.get_caller_identity as alice", alice_sts.get_caller_identity()["Arn"] == f"arn:aws:iam::{ACCOUNT}:user/alice")
    assumed = alice_sts.assume_role(RoleArn=f"arn:aws:iam::{ACCOUNT}:role/BedrockLoggingRole", RoleSessionName="py")
    check(
        "sts.assume_role",
        assumed["AssumedRoleUser"]["Arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/BedrockLoggingRole/py"
        and assumed["Credentials"]["AccessKeyId"].startswith("ASIA"),
        assumed["AssumedRoleUser"],
    )
    token = alice_sts.get_session_token(DurationSeconds=900)["Credentials"]
    check("sts.get_session_token", token["AccessKeyId"].startswith("ASIA"))
    check("sts.assume_role denied", code_of(alice_sts.assume_role, RoleArn=f"arn:aws:iam::{ACCOUNT}:role/Nope", RoleSessionName="py") == "AccessDenied")
    check("sts.assume_role too long", code_of(alice_sts.assume_role, RoleArn=f"arn:aws:iam::{ACCOUNT}:role/BedrockLoggingRole", RoleSessionName="py", DurationSeconds=7200) == "ValidationError")
    check("iam.delete_user conflict", code_of(iam.delete_user, UserName="alice") == "DeleteConflict")
    iam.delete_access_key(UserName="alice", AccessKeyId=key["AccessKeyId"])
    iam.delete_user_policy(UserName="alice", PolicyName="logs")
    iam.detach_user_policy(UserName="alice", PolicyArn=policy_arn)
    iam.delete_user(UserName="alice")
    check("iam.list_users", iam.list_users()["Users"] == [])
    iam.detach_role_policy(RoleName="BedrockLoggingRole", PolicyArn=policy_arn)
    iam.delete_role_policy(RoleName="BedrockLoggingRole", PolicyName="logs")
    iam.delete_policy(PolicyArn=policy_arn)
    iam.delete_role(RoleName="BedrockLoggingRole")
    check("iam.delete_role", code_of(iam.get_role, RoleName="BedrockLoggingRole") == "NoSuchEntity")

    # S3 (boto3 sends CRC32 checksums, aws-chunked for objects).
    bucket = "boto3-bucket"
    s3.create_bucket(Bucket=bucket)
    check("s3.create_bucket us-east-1 spelled out", code_of(s3.create_bucket, Bucket="other-bucket", CreateBucketConfiguration={"LocationConstraint": "us-east-1"}) == "InvalidLocationConstraint")
    west = session.client("s3", endpoint_url=endpoint, config=config, region_name="eu-west-1")
    check("s3.create_bucket unspecified outside us-east-1", code_of(west.create_bucket, Bucket="eu-bucket") == "IllegalLocationConstraintException")
    west.create_bucket(Bucket="eu-bucket", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    check("s3.create_bucket owned", code_of(west.create_bucket, Bucket="eu-bucket", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}) == "BucketAlreadyOwnedByYou")
    check("s3.get_bucket_location", s3.get_bucket_location(Bucket="eu-bucket")["LocationConstraint"] == "eu-west-1")
    s3.head_bucket(Bucket=bucket)
    s3.put_public_access_block(
        Bucket=bucket,
        PublicAccessBlockConfiguration={"BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True, "RestrictPublicBuckets": True},
    )
    check("s3.get_public_access_block", s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]["BlockPublicPolicy"] is True)
    s3.put_bucket_ownership_controls(Bucket=bucket, OwnershipControls={"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]})
    rules = s3.get_bucket_ownership_controls(Bucket=bucket)["OwnershipControls"]["Rules"]
    check("s3.get_bucket_ownership_controls", rules == [{"ObjectOwnership": "BucketOwnerEnforced"}], rules)
    check("s3.get_bucket_policy missing", code_of(s3.get_bucket_policy, Bucket=bucket) == "NoSuchBucketPolicy")
    policy = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Service": "bedrock.amazonaws.com"}, "Action": "s3:PutObject", "Resource": f"arn:aws:s3:::{bucket}/*"}],
    }
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(policy))
    check("s3.get_bucket_policy", json.loads(s3.get_bucket_policy(Bucket=bucket)["Policy"]) == policy)
    check("s3.put_bucket_policy malformed", code_of(s3.put_bucket_policy, Bucket=bucket, Policy="{") == "MalformedPolicy")
    s3.put_object(Bucket=bucket, Key="a/b.json", Body=b'{"x": 1}', ContentType="application/json", Metadata={"team": "ml"})
    head = s3.head_object(Bucket=bucket, Key="a/b.json")
    check("s3.head_object metadata", head["ContentType"] == "application/json" and head["Metadata"] == {"team": "ml"}, head)
    body = s3.get_object(Bucket=bucket, Key="a/b.json", ChecksumMode="ENABLED")["Body"].read()
    check("s3.get_object", body == b'{"x": 1}')
    s3.copy_object(Bucket=bucket, Key="copy.json", CopySource={"Bucket": bucket, "Key": "a/b.json"})
    mpu = s3.create_multipart_upload(Bucket=bucket, Key="big.bin")
    part = s3.upload_part(Bucket=bucket, Key="big.bin", UploadId=mpu["UploadId"], PartNumber=1, Body=b"x" * 1024)
    check("s3.list_parts", [p["PartNumber"] for p in s3.list_parts(Bucket=bucket, Key="big.bin", UploadId=mpu["UploadId"])["Parts"]] == [1])
    s3.complete_multipart_upload(
        Bucket=bucket, Key="big.bin", UploadId=mpu["UploadId"], MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": part["ETag"]}]}
    )
    check("s3.complete_multipart_upload", s3.get_object(Bucket=bucket, Key="big.bin")["Body"].read() == b"x" * 1024)
    aborted = s3.create_multipart_upload(Bucket=bucket, Key="gone.bin")
    s3.abort_multipart_upload(Bucket=bucket, Key="gone.bin", UploadId=aborted["UploadId"])
    check("s3.abort_multipart_upload", code_of(s3.list_parts, Bucket=bucket, Key="gone.bin", UploadId=aborted["UploadId"]) == "NoSuchUpload")
    check("s3.delete_bucket not empty", code_of(s3.delete_bucket, Bucket=bucket) == "BucketNotEmpty")
    deleted = s3.delete_objects(Bucket=bucket, Delete={"Objects": [{"Key": "copy.json"}, {"Key": "big.bin"}]})
    check("s3.delete_objects", sorted(d["Key"] for d in deleted["Deleted"]) == ["big.bin", "copy.json"], deleted)
    s3.delete_object(Bucket=bucket, Key="a/b.json")
    s3.delete_bucket_policy(Bucket=bucket)
    s3.delete_public_access_block(Bucket=bucket)
    s3.delete_bucket_ownership_controls(Bucket=bucket)
    s3.delete_bucket(Bucket=bucket)
    check("s3.delete_bucket", code_of(s3.head_bucket, Bucket=bucket) == "404")

    # Bedrock's catalog.
    models = bedrock.list_foundation_models(byProvider="Anthropic")["modelSummaries"]
    check("bedrock.list_foundation_models", models and all(m["providerName"] == "Anthropic" for m in models))
    profiles = bedrock.list_inference_profiles(maxResults=5)
    check("bedrock.list_inference_profiles", len(profiles["inferenceProfileSummaries"]) == 5 and "nextToken" in profiles)
    profile = bedrock.get_inference_profile(inferenceProfileIdentifier=profiles["inferenceProfileSummaries"][0]["inferenceProfileId"])
    check("bedrock.get_inference_profile", profile["models"], profile)
    check("bedrock.get_foundation_model", bedrock.get_foundation_model(modelIdentifier=models[0]["modelId"])["modelDetails"]["modelId"] == models[0]["modelId"])

    for r in results:
        print(json.dumps(r))


if __name__ == "__main__":
    main()
