import 'reflect-metadata';
import { loadConfigOrExit } from '../../../libs/config/config.js';
import { createApiApp } from './bootstrap-app.js';

const config = loadConfigOrExit(process.env);
const app = await createApiApp(config);
await app.listen(config.http.port, config.http.host);
