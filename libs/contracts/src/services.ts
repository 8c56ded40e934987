// The one registry of the services: each one's gateway prefix and the port it listens on by default.
// JSON, so that the plain-JavaScript runner (scripts/stack.js) reads the same file as the services,
// the tests and the benchmark; compose, Kubernetes and the gateway's templates are checked against it.
import registry from './services.json';

export type ServiceName = keyof typeof registry;

export interface ServiceAddress {
  /** The first path segment of every route of the service, and its location in the gateway. */
  prefix: string;
  /** The port it listens on unless PORT says otherwise. */
  port: number;
}

export const SERVICES: Readonly<Record<ServiceName, ServiceAddress>> = registry;

/** Where a service answers on this machine by default, for the clients' default URLs. */
export function localServiceUrl(name: ServiceName): string {
  return `http://127.0.0.1:${SERVICES[name].port}`;
}
