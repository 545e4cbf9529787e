// Drives the account's operations through aws-sdk-js v3 (@aws-sdk/client-sts, client-iam,
// client-s3) and prints one JSON line per check: {"check", "ok", "detail"}.
//
// Usage: node account_clients.cjs   (AWS_ENDPOINT_URL, credentials and AWS_REGION from the
// environment; NODE_PATH names the node_modules holding the clients).
//
// The S3 client uses the SDK's default virtual-hosted addressing (http://<bucket>.localhost:port/),
// with an agent that resolves *.localhost to the loopback address.

const http = require("node:http");
const { STSClient, GetCallerIdentityCommand, AssumeRoleCommand, GetSessionTokenCommand } = require("@aws-sdk/client-sts");
const iamSdk = require("@aws-sdk/client-iam");
const s3Sdk = require("@aws-sdk/client-s3");
const { NodeHttpHandler } = require("@smithy/node-http-handler");

const ACCOUNT = "123456789012";
const TRUST = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "sts:AssumeRole" }],
});
const LOGS = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Action: ["logs:CreateLogStream", "logs:PutLogEvents"], Resource: "*" }],
});

const results = [];
const check = (name, ok, detail = "") => results.push({ check: name, ok: Boolean(ok), detail: String(detail) });

/** The error name a promise rejects with, or "" when it resolves. */
async function codeOf(promise) {
  try {
    await promise;
    return "";
  } catch (e) {
    return e.name;
  }
}

async function main() {
  const endpoint = process.env.AWS_ENDPOINT_URL;
  const sts = new STSClient({ endpoint });
  const iam = new iamSdk.IAMClient({ endpoint });
  const loopback = (hostname, options, callback) =>
    hostname === "localhost" || hostname.endsWith(".localhost")
      ? callback(null, options && options.all ? [{ address: "127.0.0.1", family: 4 }] : "127.0.0.1", 4)
      : require("node:dns").lookup(hostname, options, callback);
  const s3 = new s3Sdk.S3Client({
    endpoint: endpoint.replace("127.0.0.1", "localhost"),
    requestHandler: new NodeHttpHandler({ httpAgent: new http.Agent({ lookup: loopback }) }),
  });

  const me = await sts.send(new GetCallerIdentityCommand({}));
  check("sts.GetCallerIdentity", me.Account === ACCOUNT && me.Arn.startsWith("arn:aws:"), me.Arn);

  // IAM: the document comes back URL-encoded; decoded, the text sent.
  const created = await iam.send(new iamSdk.CreateRoleCommand({ RoleName: "JsRole", AssumeRolePolicyDocument: TRUST }));
  check("iam.CreateRole", created.Role.Arn === `arn:aws:iam::${ACCOUNT}:role/JsRole`, created.Role.Arn);
  const role = await iam.send(new iamSdk.GetRoleCommand({ RoleName: "JsRole" }));
  check("iam.GetRole", decodeURIComponent(role.Role.AssumeRolePolicyDocument) === TRUST, role.Role.AssumeRolePolicyDocument);
  check("iam.CreateRole duplicate", (await codeOf(iam.send(new iamSdk.CreateRoleCommand({ RoleName: "JsRole", AssumeRolePolicyDocument: TRUST })))) === "EntityAlreadyExistsException");
  check("iam.GetRole missing", (await codeOf(iam.send(new iamSdk.GetRoleCommand({ RoleName: "Nope" })))) === "NoSuchEntityException");
  await iam.send(new iamSdk.PutRolePolicyCommand({ RoleName: "JsRole", PolicyName: "logs", PolicyDocument: LOGS }));
  const inline = await iam.send(new iamSdk.GetRolePolicyCommand({ RoleName: "JsRole", PolicyName: "logs" }));
  check("iam.GetRolePolicy", decodeURIComponent(inline.PolicyDocument) === LOGS);
  check(
    "iam.PutRolePolicy malformed",
    (await codeOf(iam.send(new iamSdk.PutRolePolicyCommand({ RoleName: "JsRole", PolicyName: "bad", PolicyDocument: "{" })))) === "MalformedPolicyDocumentException",
  );
  const policy = await iam.send(new iamSdk.CreatePolicyCommand({ PolicyName: "JsPolicy", PolicyDocument: LOGS }));
  await iam.send(new iamSdk.AttachRolePolicyCommand({ RoleName: "JsRole", PolicyArn: policy.Policy.Arn }));
  const attached = await iam.send(new iamSdk.ListAttachedRolePoliciesCommand({ RoleName: "JsRole" }));
  check("iam.ListAttachedRolePolicies", attached.AttachedPolicies.length === 1);
  check("iam.DeleteRole conflict", (await codeOf(iam.send(new iamSdk.DeleteRoleCommand({ RoleName: "JsRole" })))) === "DeleteConflictException");
  await iam.send(new iamSdk.CreateUserCommand({ UserName: "js-user" }));
  const key = await iam.send(new iamSdk.CreateAccessKeyCommand({ UserName: "js-user" }));
  check("iam.CreateAccessKey", key.AccessKey.AccessKeyId.startsWith("AKIA"));
  const keys = await iam.send(new iamSdk.ListAccessKeysCommand({ UserName: "js-user" }));
  check("iam.ListAccessKeys", keys.AccessKeyMetadata.length === 1);

  // STS with the user's key.
  const credentials = { accessKeyId: key.AccessKey.AccessKeyId, secretAccessKey: key.AccessKey.SecretAccessKey };
  const userSts = new STSClient({ endpoint, credentials });
  const who = await userSts.send(new GetCallerIdentityCommand({}));
  check("sts.GetCallerIdentity as the user", who.Arn === `arn:aws:iam::${ACCOUNT}:user/js-user`, who.Arn);
  const assumed = await userSts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${ACCOUNT}:role/JsRole`, RoleSessionName: "js-session" }));
  check("sts.AssumeRole", assumed.AssumedRoleUser.Arn === `arn:aws:sts::${ACCOUNT}:assumed-role/JsRole/js-session`, assumed.AssumedRoleUser.Arn);
  const sessionSts = new STSClient({
    endpoint,
    credentials: {
      accessKeyId: assumed.Credentials.AccessKeyId,
      secretAccessKey: assumed.Credentials.SecretAccessKey,
      sessionToken: assumed.Credentials.SessionToken,
    },
  });
  const session = await sessionSts.send(new GetCallerIdentityCommand({}));
  check("sts.GetCallerIdentity as the session", session.Arn === assumed.AssumedRoleUser.Arn, session.Arn);
  check("sts.AssumeRole denied", (await codeOf(userSts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${ACCOUNT}:role/Nope`, RoleSessionName: "js" })))) === "AccessDenied");
  const token = await userSts.send(new GetSessionTokenCommand({ DurationSeconds: 900 }));
  check("sts.GetSessionToken", token.Credentials.AccessKeyId.startsWith("ASIA"));
  check("sts.GetSessionToken as a session", (await codeOf(sessionSts.send(new GetSessionTokenCommand({})))) === "AccessDenied");

  // S3, virtual-hosted.
  await s3.send(new s3Sdk.CreateBucketCommand({ Bucket: "js-bucket" }));
  check("s3.CreateBucket us-east-1 spelled out", (await codeOf(s3.send(new s3Sdk.CreateBucketCommand({ Bucket: "js-other", CreateBucketConfiguration: { LocationConstraint: "us-east-1" } })))) === "InvalidLocationConstraint");
  await s3.send(new s3Sdk.PutObjectCommand({ Bucket: "js-bucket", Key: "dir/hello.txt", Body: "hello", ContentType: "text/plain" }));
  const got = await s3.send(new s3Sdk.GetObjectCommand({ Bucket: "js-bucket", Key: "dir/hello.txt" }));
  check("s3.GetObject", (await got.Body.transformToString()) === "hello" && got.ContentType === "text/plain");
  await s3.send(new s3Sdk.PutPublicAccessBlockCommand({ Bucket: "js-bucket", PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true } }));
  const pab = await s3.send(new s3Sdk.GetPublicAccessBlockCommand({ Bucket: "js-bucket" }));
  check("s3.GetPublicAccessBlock", pab.PublicAccessBlockConfiguration.BlockPublicAcls === true);
  await s3.send(new s3Sdk.PutBucketOwnershipControlsCommand({ Bucket: "js-bucket", OwnershipControls: { Rules: [{ ObjectOwnership: "BucketOwnerEnforced" }] } }));
  const own = await s3.send(new s3Sdk.GetBucketOwnershipControlsCommand({ Bucket: "js-bucket" }));
  check("s3.GetBucketOwnershipControls", own.OwnershipControls.Rules[0].ObjectOwnership === "BucketOwnerEnforced");
  check("s3.GetBucketPolicy missing", (await codeOf(s3.send(new s3Sdk.GetBucketPolicyCommand({ Bucket: "js-bucket" })))) === "NoSuchBucketPolicy");
  const bucketPolicy = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "bedrock.amazonaws.com" }, Action: "s3:PutObject", Resource: "arn:aws:s3:::js-bucket/*" }] });
  await s3.send(new s3Sdk.PutBucketPolicyCommand({ Bucket: "js-bucket", Policy: bucketPolicy }));
  check("s3.GetBucketPolicy", (await s3.send(new s3Sdk.GetBucketPolicyCommand({ Bucket: "js-bucket" }))).Policy === bucketPolicy);
  check("s3.PutBucketPolicy malformed", (await codeOf(s3.send(new s3Sdk.PutBucketPolicyCommand({ Bucket: "js-bucket", Policy: "nope" })))) === "MalformedPolicy");
  const mpu = await s3.send(new s3Sdk.CreateMultipartUploadCommand({ Bucket: "js-bucket", Key: "multi.bin" }));
  const part = await s3.send(new s3Sdk.UploadPartCommand({ Bucket: "js-bucket", Key: "multi.bin", UploadId: mpu.UploadId, PartNumber: 1, Body: "part-one" }));
  await s3.send(new s3Sdk.CompleteMultipartUploadCommand({ Bucket: "js-bucket", Key: "multi.bin", UploadId: mpu.UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: part.ETag }] } }));
  const multi = await s3.send(new s3Sdk.GetObjectCommand({ Bucket: "js-bucket", Key: "multi.bin" }));
  check("s3.CompleteMultipartUpload", (await multi.Body.transformToString()) === "part-one");
  check("s3.DeleteBucket not empty", (await codeOf(s3.send(new s3Sdk.DeleteBucketCommand({ Bucket: "js-bucket" })))) === "BucketNotEmpty");
  const deleted = await s3.send(new s3Sdk.DeleteObjectsCommand({ Bucket: "js-bucket", Delete: { Objects: [{ Key: "dir/hello.txt" }, { Key: "multi.bin" }] } }));
  check("s3.DeleteObjects", deleted.Deleted.length === 2);
  await s3.send(new s3Sdk.DeleteBucketCommand({ Bucket: "js-bucket" }));
  check("s3.DeleteBucket", (await codeOf(s3.send(new s3Sdk.HeadBucketCommand({ Bucket: "js-bucket" })))) === "NotFound");

  for (const r of results) console.log(JSON.stringify(r));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
