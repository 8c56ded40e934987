import 'reflect-metadata';
import { runMigrationCli } from '@app/db';
import { orderDatabase } from './order-service';

void runMigrationCli(orderDatabase);
