import type { AppConfig } from '#config/config.js';
import { OutboundHttp } from '#networks/http/outbound-http.js';

/** An adapter as the app builds it: its config and the outbound guard that config gives. */
export function adapterWith<T>(Adapter: new (config: AppConfig, outbound: OutboundHttp) => T, config: AppConfig): T {
  return new Adapter(config, OutboundHttp.fromConfig(config));
}
