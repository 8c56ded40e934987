import { Injectable, OnModuleInit } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { Pool } from 'pg';
import { Gauge, register } from 'prom-client';
import { DataSource } from 'typeorm';

/**
 * The connection pool as gauges read at scrape time. Requests waiting for a connection are the
 * first sign that the database, or the pool's size, limits the service.
 */
@Injectable()
export class DatabasePoolMetrics implements OnModuleInit {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  onModuleInit(): void {
    // Several apps can be built in one process (the e2e suites): the gauges read the latest one.
    for (const name of ['db_pool_waiting_clients', 'db_pool_clients']) register.removeSingleMetric(name);
    // TypeORM's Postgres driver keeps its pg Pool as `master`; it is not typed publicly.
    const pool = () => (this.dataSource.driver as unknown as { master?: Pool }).master;
    new Gauge({
      name: 'db_pool_waiting_clients',
      help: 'Queries waiting for a free connection of the pool',
      registers: [register],
      collect() {
        this.set(pool()?.waitingCount ?? 0);
      },
    });
    new Gauge({
      name: 'db_pool_clients',
      help: 'Connections of the pool, by state (idle, busy) and its configured maximum (max)',
      labelNames: ['state'],
      registers: [register],
      collect() {
        const p = pool();
        this.set({ state: 'idle' }, p?.idleCount ?? 0);
        this.set({ state: 'busy' }, (p?.totalCount ?? 0) - (p?.idleCount ?? 0));
        this.set({ state: 'max' }, p?.options.max ?? 0);
      },
    });
  }
}
