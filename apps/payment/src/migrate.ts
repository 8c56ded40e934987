import 'reflect-metadata';
import { runMigrationCli } from '@app/db';
import { paymentDatabase } from './payment-service';

void runMigrationCli(paymentDatabase);
