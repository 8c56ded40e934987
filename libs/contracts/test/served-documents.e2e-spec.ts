import type { ServiceDefinition } from '@app/bootstrap';
import type { ApiDocuments } from '@app/openapi';
import type { Type } from '@nestjs/common';
import type * as ServiceUnderTestModule from '../../../test/support/service-under-test';
import type * as TestDatabaseModule from '../../../test/support/test-database';

interface Loaded {
  rootModule: Type<unknown>;
  definition: ServiceDefinition;
  describeService: (rootModule: Type<unknown>, definition: ServiceDefinition) => Promise<ApiDocuments>;
  startService: typeof ServiceUnderTestModule.startService;
  createTestDatabase: typeof TestDatabaseModule.createTestDatabase;
}

/** Each service in a module registry of its own, as in its own process: the metrics registry is per module instance. */
function load(service: string): Loaded {
  const pascal = service[0].toUpperCase() + service.slice(1);
  let loaded: Loaded | undefined;
  jest.isolateModules(() => {
    /* eslint-disable @typescript-eslint/no-require-imports -- only what require() loads inside isolateModules is isolated */
    loaded = {
      rootModule: require(`../../../apps/${service}/src/${service}-app.module`)[`${pascal}AppModule`],
      definition: require(`../../../apps/${service}/src/${service}-service`)[`${service}Service`],
      describeService: require('@app/bootstrap').describeService,
      startService: require('../../../test/support/service-under-test').startService,
      createTestDatabase: require('../../../test/support/test-database').createTestDatabase,
    };
    /* eslint-enable @typescript-eslint/no-require-imports */
  });
  return loaded!;
}

// scripts/openapi.js writes the contracts from describeService; this proves that what it describes is what each service serves.
describe.each(['user', 'order', 'payment'])('the %s service', (service) => {
  it("serves exactly the OpenAPI document that describeService gives without starting it (the contracts' source)", async () => {
    const { rootModule, definition, describeService, startService, createTestDatabase } = load(service);
    const db = await createTestDatabase(service);
    const svc = await startService(rootModule, definition, {
      ...db.env,
      USER_SERVICE_URL: 'http://127.0.0.1:9',
      PAYMENT_SERVICE_URL: 'http://127.0.0.1:9',
      ORDER_SERVICE_URL: 'http://127.0.0.1:9',
    });
    try {
      const served = (await svc.http.get(`/${definition.docs.prefix}/openapi.json`).expect(200)).body;
      const described = await describeService(rootModule, definition);
      expect(served).toEqual(described.public);
      expect(Object.keys(served.paths).length).toBeGreaterThan(2);
      for (const path of Object.keys(described.internal.paths)) expect(served.paths).not.toHaveProperty([path]);
    } finally {
      await svc.close();
      await db.drop();
    }
  }, 120_000);
});
