// The Prometheus Operator's kinds (monitoring.coreos.com/v1), which kubernetes-models does not
// have: a strict subset of their CRDs' schemas (prometheus-operator v0.8x, field names and types as
// the CRDs define them), refusing any field it does not list, as the API server's strict field
// validation refuses fields a CRD does not define. A field we start to use is added here first.
import Ajv from 'ajv';

const string = { type: 'string' };
const strings = { type: 'array', items: string };
const stringMap = { type: 'object', additionalProperties: string };
const duration = { type: 'string', pattern: '^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$' };
const labelName = { type: 'string', pattern: '^[a-zA-Z_][a-zA-Z0-9_]*$' };
const strict = (properties, required = []) => ({ type: 'object', properties, required, additionalProperties: false });

const metadata = strict(
  {
    name: { type: 'string', pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$', maxLength: 253 },
    namespace: string,
    labels: stringMap,
    annotations: stringMap,
  },
  ['name'],
);
const labelSelector = strict({
  matchLabels: stringMap,
  matchExpressions: {
    type: 'array',
    items: strict({ key: string, operator: { enum: ['In', 'NotIn', 'Exists', 'DoesNotExist'] }, values: strings }, ['key', 'operator']),
  },
});
const namespaceSelector = strict({ any: { type: 'boolean' }, matchNames: strings });
const relabeling = strict({
  action: {
    enum: [
      'replace',
      'Replace',
      'keep',
      'Keep',
      'drop',
      'Drop',
      'hashmod',
      'HashMod',
      'labelmap',
      'LabelMap',
      'labeldrop',
      'LabelDrop',
      'labelkeep',
      'LabelKeep',
      'lowercase',
      'Lowercase',
      'uppercase',
      'Uppercase',
      'keepequal',
      'KeepEqual',
      'dropequal',
      'DropEqual',
    ],
  },
  sourceLabels: { type: 'array', items: labelName },
  separator: string,
  targetLabel: string,
  regex: string,
  modulus: { type: 'integer' },
  replacement: string,
});
const endpointFields = {
  path: string,
  scheme: { enum: ['http', 'https', 'HTTP', 'HTTPS'] },
  params: { type: 'object', additionalProperties: strings },
  interval: duration,
  scrapeTimeout: duration,
  honorLabels: { type: 'boolean' },
  honorTimestamps: { type: 'boolean' },
  relabelings: { type: 'array', items: relabeling },
  metricRelabelings: { type: 'array', items: relabeling },
};
const intOrString = { anyOf: [{ type: 'integer' }, { type: 'string' }] };
const monitorFields = { jobLabel: string, podTargetLabels: strings, selector: labelSelector, namespaceSelector, sampleLimit: { type: 'integer', minimum: 0 } };

const rule = {
  ...strict({ record: string, alert: string, expr: intOrString, for: duration, keep_firing_for: duration, labels: stringMap, annotations: stringMap }, [
    'expr',
  ]),
  oneOf: [
    { required: ['record'], not: { required: ['alert'] } },
    { required: ['alert'], not: { required: ['record'] } },
  ],
};
const group = strict(
  {
    name: { type: 'string', minLength: 1 },
    interval: duration,
    query_offset: duration,
    limit: { type: 'integer' },
    labels: stringMap,
    partial_response_strategy: string,
    rules: { type: 'array', items: rule },
  },
  ['name'],
);

const object = (kind, spec) =>
  strict({ apiVersion: { const: 'monitoring.coreos.com/v1' }, kind: { const: kind }, metadata, spec }, ['apiVersion', 'kind', 'metadata', 'spec']);

const SCHEMAS = {
  ServiceMonitor: object(
    'ServiceMonitor',
    strict(
      { ...monitorFields, targetLabels: strings, endpoints: { type: 'array', items: strict({ port: string, targetPort: intOrString, ...endpointFields }) } },
      ['selector'],
    ),
  ),
  PodMonitor: object(
    'PodMonitor',
    strict(
      {
        ...monitorFields,
        podMetricsEndpoints: { type: 'array', items: strict({ port: string, portNumber: { type: 'integer', minimum: 1, maximum: 65535 }, ...endpointFields }) },
      },
      ['selector'],
    ),
  ),
  PrometheusRule: object('PrometheusRule', strict({ groups: { type: 'array', items: group } }, ['groups'])),
};

const ajv = new Ajv({ allErrors: true, strict: false });
const validators = Object.fromEntries(Object.entries(SCHEMAS).map(([kind, schema]) => [kind, ajv.compile(schema)]));

/** The problems of a monitoring.coreos.com/v1 object, or undefined for any other kind. */
export function monitoringProblems(object) {
  const validate = object?.apiVersion === 'monitoring.coreos.com/v1' ? validators[object.kind] : undefined;
  if (!validate) return undefined;
  if (validate(object)) return [];
  return validate.errors.map(
    (error) => `${error.instancePath || '/'} ${error.message}${error.params?.additionalProperty ? `: ${error.params.additionalProperty}` : ''}`,
  );
}
