import { describeService, ServiceDefinition } from '@app/bootstrap';
import type { Type } from '@nestjs/common';
import { startService } from './service-under-test';
import { createTestDatabase } from './test-database';

/**
 * scripts/openapi.js writes an app's contracts (libs/contracts/openapi) from describeService, without
 * starting it: this proves that what it describes is what the running app serves, and that the
 * internal routes stay out of the public document.
 */
export function describeServedContract(rootModule: Type<unknown>, definition: ServiceDefinition): void {
  describe(`the ${definition.docs.prefix} contract`, () => {
    it('is exactly the OpenAPI document the running service serves', async () => {
      const db = await createTestDatabase(definition.name);
      // No other service is reachable: serving the document must not need one.
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
}
