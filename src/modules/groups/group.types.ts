import { Connection } from '../../graphql/pagination';
import { Group } from './group.entity';

export const GroupConnection = Connection('Group', Group);
export type GroupConnection = InstanceType<typeof GroupConnection>;
