/**
 * Child process for the inventory's lock test: updates the inventory named in argv in a tight loop (each update counts
 * itself in `failures.loop`) until it is killed, and prints `looping` once the first update is done. Run with
 * `node --import tsx`.
 */
import { TestInventory } from './test-inventory';

async function main(): Promise<void> {
  const inventory = new TestInventory(process.argv[2]!);
  for (let n = 0; ; n++) {
    await inventory.update((data) => {
      data.failures.loop = (data.failures.loop ?? 0) + 1;
    });
    if (n === 0) process.stdout.write('looping\n');
  }
}

main().catch((error: unknown) => {
  process.stderr.write(String(error) + '\n');
  process.exit(1);
});
