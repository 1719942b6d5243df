export * from '../../shared/pryv-permissions';
