// `tensor-lens train`: placeholder until its engine lands.
import { CliError } from './args';
import type { CliIO } from './output';

export async function trainCommand(_argv: string[], _io: CliIO): Promise<number> {
  throw new CliError('tensor-lens train: this engine has not landed yet in this build; see the open issues', 2);
}
