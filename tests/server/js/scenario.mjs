// The AWS SDK for JavaScript v3 against casemock's HTTP server.
//
//   node scenario.mjs http://127.0.0.1:PORT
//
// Runs a support-desk scenario (domain, fields, template, cases, search, a comment, errors)
// and prints one JSON summary line on stdout, which tests/server/test_js_sdk.py checks.
// Any unexpected failure exits non-zero with the error on stderr.
import {
  ConnectCasesClient,
  CreateCaseCommand,
  CreateDomainCommand,
  CreateFieldCommand,
  CreateRelatedItemCommand,
  CreateTemplateCommand,
  GetCaseCommand,
  GetDomainCommand,
  ResourceNotFoundException,
  SearchCasesCommand,
  SearchRelatedItemsCommand,
  UpdateCaseCommand,
  ValidationException,
  paginateListFields,
  paginateSearchCases,
} from "@aws-sdk/client-connectcases";

const endpoint = process.argv[2];
if (!endpoint) {
  console.error("usage: node scenario.mjs ENDPOINT_URL");
  process.exit(2);
}

const client = new ConnectCasesClient({
  endpoint,
  region: "us-east-1",
  credentials: { accessKeyId: "AKIDJSSCENARIO", secretAccessKey: "secret" },
  maxAttempts: 1,
});

const text = (value) => ({ stringValue: value });

function values(fields) {
  return Object.fromEntries(fields.map((f) => [f.id, f.value.stringValue ?? f.value]));
}

async function failure(command) {
  try {
    await client.send(command);
  } catch (error) {
    return {
      name: error.name,
      fault: error.$fault,
      status: error.$metadata?.httpStatusCode,
      requestId: Boolean(error.$metadata?.requestId),
      message: error.message,
      resourceId: error.resourceId,
      resourceType: error.resourceType,
      isResourceNotFound: error instanceof ResourceNotFoundException,
      isValidation: error instanceof ValidationException,
    };
  }
  throw new Error(`${command.constructor.name} succeeded but should have failed`);
}

const summary = {};

const domain = await client.send(new CreateDomainCommand({ name: "js-scenario" }));
const domainId = domain.domainId;
summary.domain = { status: domain.domainStatus, arn: domain.domainArn };
const fetchedDomain = await client.send(new GetDomainCommand({ domainId }));
summary.domain.name = fetchedDomain.name;
summary.domain.createdTimeIsDate =
  fetchedDomain.createdTime instanceof Date && !Number.isNaN(fetchedDomain.createdTime.getTime());

const fieldIds = {};
for (const name of ["Order", "Priority", "Notes"]) {
  const field = await client.send(new CreateFieldCommand({ domainId, name, type: "Text" }));
  fieldIds[name] = field.fieldId;
}
summary.fieldIds = fieldIds;

// ListFields five at a time: the domain's system fields and the three above.
const listed = [];
let fieldPages = 0;
for await (const page of paginateListFields({ client, pageSize: 5 }, { domainId })) {
  fieldPages += 1;
  listed.push(...page.fields.map((f) => f.name));
}
summary.listFields = { pages: fieldPages, names: listed };

const template = await client.send(
  new CreateTemplateCommand({
    domainId,
    name: "default",
    requiredFields: [{ fieldId: fieldIds.Order }],
  }),
);
const templateId = template.templateId;

async function createCase(title, order, priority) {
  const created = await client.send(
    new CreateCaseCommand({
      domainId,
      templateId,
      fields: [
        { id: "title", value: text(title) },
        { id: fieldIds.Order, value: text(order) },
        { id: fieldIds.Priority, value: text(priority) },
      ],
    }),
  );
  return created.caseId;
}

const caseId = await createCase("Café ☕ parcel lost", "A-100", "high");
const otherCaseIds = [await createCase("Late delivery", "A-101", "low")];
otherCaseIds.push(await createCase("Wrong item", "A-102", "low"));
summary.caseId = caseId;
summary.otherCaseIds = otherCaseIds;

const caseFields = [{ id: "title" }, { id: fieldIds.Order }, { id: fieldIds.Priority }];
const fetched = await client.send(new GetCaseCommand({ domainId, caseId, fields: caseFields }));
summary.getCase = { templateId: fetched.templateId, values: values(fetched.fields) };

await client.send(
  new UpdateCaseCommand({
    domainId,
    caseId,
    fields: [{ id: fieldIds.Priority, value: text("urgent") }],
  }),
);
const updated = await client.send(new GetCaseCommand({ domainId, caseId, fields: caseFields }));
summary.updatedCase = values(updated.fields);

// SearchCases one case per page over the whole domain, then with a filter.
const searched = [];
let searchPages = 0;
for await (const page of paginateSearchCases(
  { client, pageSize: 1 },
  { domainId, fields: [{ id: fieldIds.Order }] },
)) {
  searchPages += 1;
  searched.push(...page.cases.map((c) => c.caseId));
}
const filtered = await client.send(
  new SearchCasesCommand({
    domainId,
    filter: { field: { equalTo: { id: fieldIds.Order, value: text("A-100") } } },
    fields: [{ id: fieldIds.Priority }],
  }),
);
summary.searchCases = {
  pages: searchPages,
  caseIds: searched,
  filtered: filtered.cases.map((c) => ({ caseId: c.caseId, values: values(c.fields) })),
};

const comment = await client.send(
  new CreateRelatedItemCommand({
    domainId,
    caseId,
    type: "Comment",
    content: { comment: { body: "Customer called again", contentType: "Text/Plain" } },
  }),
);
const related = await client.send(
  new SearchRelatedItemsCommand({ domainId, caseId, filters: [{ comment: {} }] }),
);
summary.relatedItems = {
  createdId: comment.relatedItemId,
  found: related.relatedItems.map((item) => ({
    id: item.relatedItemId,
    type: item.type,
    body: item.content?.comment?.body,
    associationTimeIsDate: item.associationTime instanceof Date,
  })),
};

summary.errors = {
  missingCase: await failure(
    new GetCaseCommand({ domainId, caseId: "missing-case", fields: [{ id: "title" }] }),
  ),
  nameTooLong: await failure(new CreateDomainCommand({ name: "x".repeat(101) })),
};

console.log(JSON.stringify(summary));
