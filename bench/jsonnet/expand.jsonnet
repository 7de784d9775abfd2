// The expansion gantry does, written the way a platform team scripts it in jsonnet: per feature
// a Deployment, a Service, a HorizontalPodAutoscaler, a PodDisruptionBudget and a rule group of
// SLO recording rules with the four multi-window burn-rate alerts. The benchmark runs it over the
// same features as gantry (`features.json`, written by gantry-workload).
local features = std.extVar('features');

local labels(f) = {
  'app.kubernetes.io/name': f.name + '-api',
  'app.kubernetes.io/part-of': f.name,
  'app.kubernetes.io/managed-by': 'jsonnet',
};

local deployment(f) = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: f.name + '-api', namespace: f.name, labels: labels(f) },
  spec: {
    selector: { matchLabels: labels(f) },
    template: {
      metadata: { labels: labels(f) },
      spec: {
        automountServiceAccountToken: false,
        securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
        containers: [{
          name: 'api',
          image: f.image,
          ports: [{ containerPort: 8080, name: 'http' }],
          resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '250m', memory: '256Mi' } },
          readinessProbe: { httpGet: { path: '/healthz/ready', port: 'http' } },
          livenessProbe: { httpGet: { path: '/healthz/live', port: 'http' } },
          securityContext: {
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ['ALL'] },
          },
          env: [{ name: 'DEPENDS_ON', value: std.join(',', f.dependsOn) }],
        }],
      },
    },
  },
};

local service(f) = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: f.name + '-api', namespace: f.name, labels: labels(f) },
  spec: { selector: labels(f), ports: [{ name: 'http', port: 8080, targetPort: 'http' }] },
};

local hpa(f) = {
  apiVersion: 'autoscaling/v2',
  kind: 'HorizontalPodAutoscaler',
  metadata: { name: f.name + '-api', namespace: f.name, labels: labels(f) },
  spec: {
    scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: f.name + '-api' },
    minReplicas: f.replicas.min,
    maxReplicas: f.replicas.max,
    metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
  },
};

local pdb(f) = {
  apiVersion: 'policy/v1',
  kind: 'PodDisruptionBudget',
  metadata: { name: f.name + '-api', namespace: f.name, labels: labels(f) },
  spec: { selector: { matchLabels: labels(f) }, maxUnavailable: 1 },
};

local windows = ['5m', '30m', '1h', '2h', '6h', '1d', '3d'];
local pairs = [
  { long: '1h', short: '5m', factor: 14.4, severity: 'page' },
  { long: '6h', short: '30m', factor: 6, severity: 'page' },
  { long: '1d', short: '2h', factor: 3, severity: 'ticket' },
  { long: '3d', short: '6h', factor: 1, severity: 'ticket' },
];

local rules(f) = {
  local job = f.name + '-api',
  local id = f.name + '-availability',
  local budget = 1 - f.objective / 100,
  local ratio(w) = '1 - (sum(rate(http_requests_total{job="%s",code!~"5.."}[%s])) / sum(rate(http_requests_total{job="%s"}[%s])))' % [job, w, job, w],
  groups: [
    {
      name: 'sloth-slo-sli-recordings-' + id,
      rules: [
        { record: 'slo:sli_error:ratio_rate' + w, expr: ratio(w), labels: { sloth_id: id, sloth_window: w } }
        for w in windows
      ],
    },
    {
      name: 'sloth-slo-alerts-' + id,
      rules: [
        {
          alert: '%s-burn-%s-%s' % [id, p.long, p.short],
          expr: '(slo:sli_error:ratio_rate%s{sloth_id="%s"} > %s) and (slo:sli_error:ratio_rate%s{sloth_id="%s"} > %s)' % [p.long, id, p.factor * budget, p.short, id, p.factor * budget],
          labels: { severity: p.severity, feature: f.name, owner: f.owner },
          annotations: { summary: 'Error budget of %s burning %sx too fast' % [id, p.factor], runbook_url: 'https://runbooks.synthetic.example/%s/availability.md' % f.name },
        }
        for p in pairs
      ],
    },
  ],
};

{
  [f.name + '/kubernetes.yaml']: std.manifestYamlStream([deployment(f), service(f), hpa(f), pdb(f)])
  for f in features
} + {
  [f.name + '/slo-rules.yaml']: std.manifestYamlDoc(rules(f))
  for f in features
}
