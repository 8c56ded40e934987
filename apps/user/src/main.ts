import 'reflect-metadata';
import { bootstrapService } from '@app/bootstrap';
import { UserAppModule } from './user-app.module';
import { userService } from './user-service';

void bootstrapService(UserAppModule, userService);
