export default async function teardown(): Promise<void> {
  await Promise.all((globalThis.__DOFS_EMULATORS__ ?? []).map((emulator) => emulator.close()));
}
