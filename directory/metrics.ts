// The directory's metrics, in the server's registry.
import client from 'prom-client';

export class DirectoryMetrics {
  readonly imports: client.Counter<'result'>;
  readonly problems: client.Counter;

  constructor(registry: client.Registry) {
    this.imports = new client.Counter({
      name: 'school_call_directory_imports_total',
      help: 'Directory imports by result (changed, unchanged, dry_run, bad_file, busy)',
      labelNames: ['result'],
      registers: [registry],
    });
    this.problems = new client.Counter({
      name: 'school_call_directory_file_problems_total',
      help: 'Problems found in imported school files',
      registers: [registry],
    });
  }
}
