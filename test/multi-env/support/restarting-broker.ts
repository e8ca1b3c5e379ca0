import { startBrokerChild, type BrokerChild } from '../../lifecycle/support/broker-child';

/**
 * A broker child process that is started again whenever it died (the test provider SIGKILLs it at a chosen
 * moment): `url()` answers the address of a live one, `kill()` ends it for good.
 */
export function restartingBroker(env: Record<string, string>): { url(): Promise<string>; kill(): Promise<void> } {
  let broker: BrokerChild | undefined;
  const alive = () => !!broker && broker.child.exitCode === null && broker.child.signalCode === null;
  return {
    async url() {
      if (!alive()) broker = await startBrokerChild(env);
      return broker!.url;
    },
    async kill() {
      await broker?.kill();
    },
  };
}
