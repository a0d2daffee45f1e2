import { killLeftoverRuntimes } from './runtime-process';

// After each test file: no runtime a failed test left behind keeps Jest from exiting.
afterAll(() => killLeftoverRuntimes());
