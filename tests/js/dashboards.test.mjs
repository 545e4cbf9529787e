// CloudWatch dashboards through aws-sdk-js v3 (awsJson1.0 with x-amzn-query-mode) against the
// emulator at AWS_ENDPOINT_URL: seed 000's dashboard JSON (SEED_DASHBOARD_FILE) put as is, every
// dashboard operation, and each error as the SDK's modelled exception with its members.
// Run by tests/integration/dashboard_clients.rs with `node --test`.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import {
  CloudWatchClient, PutDashboardCommand, GetDashboardCommand, ListDashboardsCommand, DeleteDashboardsCommand,
  DashboardInvalidInputError, DashboardNotFoundError, InvalidParameterValueException, ResourceNotFound, paginateListDashboards,
} from "@aws-sdk/client-cloudwatch";

const config = {
  endpoint: process.env.AWS_ENDPOINT_URL,
  region: "us-east-1",
  credentials: { accessKeyId: "AKIDJSTEST", secretAccessKey: "secret" },
};
const cw = new CloudWatchClient(config);
const seed = readFileSync(process.env.SEED_DASHBOARD_FILE, "utf8");

test("dashboards: put the seed's JSON, get, list, delete", async () => {
  const put = await cw.send(new PutDashboardCommand({ DashboardName: "Seed-000", DashboardBody: seed }));
  assert.deepEqual(put.DashboardValidationMessages ?? [], []);
  const got = await cw.send(new GetDashboardCommand({ DashboardName: "Seed-000" }));
  assert.equal(got.DashboardBody, seed);
  assert.equal(got.DashboardArn, "arn:aws:cloudwatch::123456789012:dashboard/Seed-000");
  await cw.send(new PutDashboardCommand({ DashboardName: "Js-Other", DashboardBody: '{"widgets":[]}' }));
  const listed = await cw.send(new ListDashboardsCommand({}));
  assert.deepEqual(listed.DashboardEntries.map((e) => e.DashboardName), ["Js-Other", "Seed-000"]);
  assert.ok(listed.DashboardEntries[1].LastModified instanceof Date);
  assert.equal(listed.DashboardEntries[1].Size, Buffer.byteLength(seed));
  const prefixed = await cw.send(new ListDashboardsCommand({ DashboardNamePrefix: "Js" }));
  assert.deepEqual(prefixed.DashboardEntries.map((e) => e.DashboardName), ["Js-Other"]);
  const names = [];
  for await (const page of paginateListDashboards({ client: cw }, {})) {
    names.push(...page.DashboardEntries.map((e) => e.DashboardName));
  }
  assert.deepEqual(names, ["Js-Other", "Seed-000"]);
  await cw.send(new DeleteDashboardsCommand({ DashboardNames: ["Js-Other"] }));
  const after = await cw.send(new ListDashboardsCommand({}));
  assert.deepEqual(after.DashboardEntries.map((e) => e.DashboardName), ["Seed-000"]);
});

test("dashboards: each error is the SDK's modelled exception", async () => {
  await assert.rejects(
    cw.send(new PutDashboardCommand({ DashboardName: "bad", DashboardBody: '{"widgets":[{"type":"text","properties":{}}]}' })),
    (e) => {
      assert.ok(e instanceof DashboardInvalidInputError, e.name);
      assert.match(e.message, /^The dashboard body is invalid, there are 1 validation errors:/);
      assert.deepEqual(e.dashboardValidationMessages, [{ DataPath: "/widgets/0/properties", Message: "Should have required property 'markdown'" }]);
      return true;
    },
  );
  await assert.rejects(
    cw.send(new PutDashboardCommand({ DashboardName: "bad name", DashboardBody: seed })),
    (e) => e instanceof DashboardInvalidInputError && /invalid characters/.test(e.message),
  );
  // DashboardNotFoundError and ResourceNotFound share the code ResourceNotFound; the SDK picks one.
  await assert.rejects(cw.send(new GetDashboardCommand({ DashboardName: "Nope" })), (e) => {
    assert.ok(e instanceof DashboardNotFoundError || e instanceof ResourceNotFound, e.name);
    assert.equal(e.message, "Dashboard Nope does not exist");
    assert.equal(e.$metadata.httpStatusCode, 404);
    return true;
  });
  // The current model lists no DashboardNotFoundError for DeleteDashboards: the SDK names the code.
  await assert.rejects(cw.send(new DeleteDashboardsCommand({ DashboardNames: ["Nope"] })), (e) => {
    assert.ok(e instanceof DashboardNotFoundError || e instanceof ResourceNotFound, e.name);
    assert.equal(e.$metadata.httpStatusCode, 404);
    return true;
  });
  await assert.rejects(
    cw.send(new ListDashboardsCommand({ DashboardNamePrefix: "bad prefix" })),
    (e) => e instanceof InvalidParameterValueException,
  );
});
