import { Inject, Injectable } from '@nestjs/common';
import { NETWORK_ADAPTERS, type NetworkAdapter, type NetworkName } from './network-adapter.js';

@Injectable()
export class NetworkRegistry {
  private readonly byName: Map<NetworkName, NetworkAdapter>;

  constructor(@Inject(NETWORK_ADAPTERS) adapters: NetworkAdapter[]) {
    this.byName = new Map(adapters.map((a) => [a.network, a]));
  }

  get(network: NetworkName): NetworkAdapter {
    const adapter = this.byName.get(network);
    if (!adapter) throw new Error(`No adapter for network ${network}`);
    return adapter;
  }
}
