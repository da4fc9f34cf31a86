import Fastify from 'fastify';

const app = Fastify({ logger: true });
const port = Number(process.env.PORT ?? ${{ values.port }});

app.get('/healthz', async () => ({ status: 'ok', service: '${{ values.name }}' }));
{%- if "metrics" in values.features %}

// Prometheus scrapes this; see docs/index.md for the dashboards.
app.get('/metrics', async (_request, reply) => {
  const { register } = await import('prom-client');
  reply.type(register.contentType);
  return register.metrics();
});
{%- endif %}

await app.listen({ port, host: '0.0.0.0' });
