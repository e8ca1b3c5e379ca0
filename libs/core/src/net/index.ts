export * from './ipv4-cidr';
