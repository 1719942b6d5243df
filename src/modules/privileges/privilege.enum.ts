import { registerEnumType } from 'type-graphql';
import { Privilege, PRIVILEGE_DESCRIPTIONS } from '../../shared/privileges';

export * from '../../shared/privileges';

registerEnumType(Privilege, {
  name: 'Privilege',
  description: 'A privilege from the catalogue. ALL implies every other, present and future.',
  valuesConfig: Object.fromEntries(Object.entries(PRIVILEGE_DESCRIPTIONS).map(([k, description]) => [k, { description }])),
});
