// `tensor-lens sample`: placeholder until its engine lands.
import { CliError } from './args';
import type { CliIO } from './output';

export async function sampleCommand(_argv: string[], _io: CliIO): Promise<number> {
  throw new CliError('tensor-lens sample: this engine has not landed yet in this build; see the open issues', 2);
}
