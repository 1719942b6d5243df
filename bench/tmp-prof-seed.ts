import { seedDataset, FULL } from './seed';
seedDataset('/tmp/prof.db', FULL).then((ms) => console.log('seeded', ms));
