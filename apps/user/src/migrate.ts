import 'reflect-metadata';
import { runMigrationCli } from '@app/db';
import { userDatabase } from './user-service';

void runMigrationCli(userDatabase);
