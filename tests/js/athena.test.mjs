// Amazon Athena through aws-sdk-js v3 (awsJson1.1) against the emulator at AWS_ENDPOINT_URL:
// every operation the emulator answers, the SDK's modelled exceptions, paging.
// Run by tests/integration/js_clients.rs with `node --test`.
import { test } from "node:test";
import assert from "node:assert/strict";
import { gzipSync } from "node:zlib";
import {
  AthenaClient, StartQueryExecutionCommand, GetQueryExecutionCommand, GetQueryResultsCommand, StopQueryExecutionCommand,
  ListQueryExecutionsCommand, BatchGetQueryExecutionCommand, ListDataCatalogsCommand, ListDatabasesCommand,
  GetDatabaseCommand, ListTableMetadataCommand, GetTableMetadataCommand, GetWorkGroupCommand, ListWorkGroupsCommand,
  CreateWorkGroupCommand, DeleteWorkGroupCommand, InvalidRequestException, MetadataException,
} from "@aws-sdk/client-athena";
import { S3Client, CreateBucketCommand, PutObjectCommand, GetObjectCommand } from "@aws-sdk/client-s3";

const endpoint = process.env.AWS_ENDPOINT_URL;
const config = { endpoint, region: "us-east-1", credentials: { accessKeyId: "AKIDJSTEST", secretAccessKey: "secret" } };
const athena = new AthenaClient(config);
const s3 = new S3Client({ ...config, forcePathStyle: true });
const OUTPUT = "s3://js-athena-results/";

async function run(QueryString, extra = {}) {
  const { QueryExecutionId } = await athena.send(new StartQueryExecutionCommand({
    QueryString, ResultConfiguration: { OutputLocation: OUTPUT }, ...extra,
  }));
  for (let i = 0; i < 100000; i++) {
    const { QueryExecution } = await athena.send(new GetQueryExecutionCommand({ QueryExecutionId }));
    if (!["QUEUED", "RUNNING"].includes(QueryExecution.Status.State)) return QueryExecution;
  }
  throw new Error(`${QueryString} did not finish`);
}

await s3.send(new CreateBucketCommand({ Bucket: "js-athena-results" }));
await s3.send(new CreateBucketCommand({ Bucket: "js-athena-data" }));
await s3.send(new PutObjectCommand({ Bucket: "js-athena-data", Key: "logs/a.jsonl", Body: '{"modelId":"m1","n":1}\n{"modelId":"m2","n":2}\n' }));
await s3.send(new PutObjectCommand({ Bucket: "js-athena-data", Key: "logs/b.json.gz", Body: gzipSync('{"modelId":"m1","n":3}\n') }));

test("DDL, a query, its results and its file", async () => {
  assert.equal((await run("CREATE DATABASE js_db")).Status.State, "SUCCEEDED");
  const table = await run("CREATE EXTERNAL TABLE js_db.calls (modelid string, n bigint) ROW FORMAT SERDE 'org.openx.data.jsonserde.JsonSerDe' LOCATION 's3://js-athena-data/logs/'");
  assert.equal(table.StatementType, "DDL");
  const q = await run("SELECT modelid, SUM(n) AS total FROM calls GROUP BY modelid ORDER BY modelid", { QueryExecutionContext: { Database: "js_db" } });
  assert.equal(q.Status.State, "SUCCEEDED");
  assert.ok(q.Statistics.DataScannedInBytes > 0);
  assert.ok(q.Status.SubmissionDateTime instanceof Date);
  const page = await athena.send(new GetQueryResultsCommand({ QueryExecutionId: q.QueryExecutionId, MaxResults: 2 }));
  assert.deepEqual(page.ResultSet.Rows.map((r) => r.Data.map((d) => d.VarCharValue)), [["modelid", "total"], ["m1", "4"]]);
  assert.deepEqual(page.ResultSet.ResultSetMetadata.ColumnInfo.map((c) => c.Type), ["varchar", "bigint"]);
  const rest = await athena.send(new GetQueryResultsCommand({ QueryExecutionId: q.QueryExecutionId, NextToken: page.NextToken }));
  assert.deepEqual(rest.ResultSet.Rows.map((r) => r.Data.map((d) => d.VarCharValue)), [["m2", "2"]]);
  assert.equal(rest.NextToken, undefined);
  const file = await s3.send(new GetObjectCommand({ Bucket: "js-athena-results", Key: `${q.QueryExecutionId}.csv` }));
  assert.equal(await file.Body.transformToString(), '"modelid","total"\n"m1","4"\n"m2","2"\n');
  await athena.send(new StopQueryExecutionCommand({ QueryExecutionId: q.QueryExecutionId }));
  const listed = await athena.send(new ListQueryExecutionsCommand({}));
  assert.equal(listed.QueryExecutionIds[0], q.QueryExecutionId);
  const batch = await athena.send(new BatchGetQueryExecutionCommand({ QueryExecutionIds: [q.QueryExecutionId, "missing"] }));
  assert.equal(batch.QueryExecutions.length, 1);
  assert.equal(batch.UnprocessedQueryExecutionIds[0].QueryExecutionId, "missing");
});

test("errors are the modelled exceptions", async () => {
  await assert.rejects(athena.send(new StartQueryExecutionCommand({ QueryString: "SELECT 1" })), (e) =>
    e instanceof InvalidRequestException && e.message.startsWith("No output location provided."));
  const failed = await run("SELECT nosuch FROM js_db.calls");
  assert.equal(failed.Status.State, "FAILED");
  assert.match(failed.Status.StateChangeReason, /^COLUMN_NOT_FOUND/);
  await assert.rejects(athena.send(new GetQueryResultsCommand({ QueryExecutionId: failed.QueryExecutionId })), InvalidRequestException);
  await assert.rejects(athena.send(new GetQueryExecutionCommand({ QueryExecutionId: "nope" })), InvalidRequestException);
  await assert.rejects(athena.send(new GetTableMetadataCommand({ CatalogName: "AwsDataCatalog", DatabaseName: "js_db", TableName: "nope" })), MetadataException);
});

test("catalog and work groups", async () => {
  assert.equal((await athena.send(new ListDataCatalogsCommand({}))).DataCatalogsSummary[0].CatalogName, "AwsDataCatalog");
  const dbs = await athena.send(new ListDatabasesCommand({ CatalogName: "AwsDataCatalog" }));
  assert.deepEqual(dbs.DatabaseList.map((d) => d.Name), ["default", "js_db"]);
  assert.equal((await athena.send(new GetDatabaseCommand({ CatalogName: "AwsDataCatalog", DatabaseName: "js_db" }))).Database.Name, "js_db");
  const tables = await athena.send(new ListTableMetadataCommand({ CatalogName: "AwsDataCatalog", DatabaseName: "js_db" }));
  assert.deepEqual(tables.TableMetadataList.map((t) => t.Name), ["calls"]);
  const t = await athena.send(new GetTableMetadataCommand({ CatalogName: "AwsDataCatalog", DatabaseName: "js_db", TableName: "calls" }));
  assert.deepEqual(t.TableMetadata.Columns.map((c) => [c.Name, c.Type]), [["modelid", "string"], ["n", "bigint"]]);
  assert.ok(t.TableMetadata.CreateTime instanceof Date);
  assert.equal((await athena.send(new GetWorkGroupCommand({ WorkGroup: "primary" }))).WorkGroup.State, "ENABLED");
  await athena.send(new CreateWorkGroupCommand({ Name: "js", Configuration: { ResultConfiguration: { OutputLocation: "s3://js-athena-results/js/" } } }));
  assert.deepEqual((await athena.send(new ListWorkGroupsCommand({}))).WorkGroups.map((g) => g.Name), ["js", "primary"]);
  const { QueryExecutionId } = await athena.send(new StartQueryExecutionCommand({ QueryString: "SELECT 1", WorkGroup: "js" }));
  const { QueryExecution } = await athena.send(new GetQueryExecutionCommand({ QueryExecutionId }));
  assert.equal(QueryExecution.ResultConfiguration.OutputLocation, `s3://js-athena-results/js/${QueryExecutionId}.csv`);
  await athena.send(new DeleteWorkGroupCommand({ WorkGroup: "js" }));
  await assert.rejects(athena.send(new GetWorkGroupCommand({ WorkGroup: "js" })), InvalidRequestException);
});
