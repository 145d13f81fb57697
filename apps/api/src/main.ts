import 'reflect-metadata';
import { loadConfigOrExit } from '#config/config.js';
import { createApiApp } from './bootstrap-app.js';

const config = loadConfigOrExit(process.env);
const app = await createApiApp(config);
await app.listen(config.http.port, config.http.host);

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    void app.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
