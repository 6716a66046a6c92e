// `--baseline <ref>`: that commit built in a temporary git worktree. node_modules is copied from this checkout when the
// lockfiles agree (workspace links are relative, so they point into the copy), otherwise installed with `npm ci`.
// The worktree is removed at the end of the run.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import path from 'node:path';

const run = (command: string, args: string[], cwd: string) => {
  const result = spawnSync(command, args, { cwd, stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed in ${cwd} (${result.status ?? result.signal})`);
};

export interface Baseline {
  tree: string;
  commit: string;
  remove: () => void;
}

export function buildBaseline(root: string, ref: string, dir: string, log: (message: string) => void): Baseline {
  const commit = execFileSync('git', ['rev-parse', '--verify', `${ref}^{commit}`], { cwd: root, encoding: 'utf8' }).trim();
  log(`baseline ${ref} = ${commit.slice(0, 10)}: worktree in ${path.relative(root, dir)}`);
  run('git', ['worktree', 'add', '--detach', dir, commit], root);
  const remove = () => {
    spawnSync('git', ['worktree', 'remove', '--force', dir], { cwd: root, stdio: 'ignore' });
    if (existsSync(dir)) rmSync(dir, { recursive: true, force: true });
  };
  try {
    const sameLock = spawnSync('git', ['diff', '--quiet', commit, '--', 'package-lock.json'], { cwd: root }).status === 0;
    if (sameLock) {
      log('same package-lock.json: copying node_modules');
      for (const sub of ['', 'gateway', 'packages/kit']) {
        const from = path.join(root, sub, 'node_modules');
        // cp -a: much faster than fs.cpSync on a node_modules of 1 GB, and keeps the relative links as they are.
        if (existsSync(from) && existsSync(path.join(dir, sub))) run('cp', ['-a', from, path.join(dir, sub, 'node_modules')], root);
      }
    } else {
      log('package-lock.json differs: npm ci');
      run('npm', ['ci', '--no-audit', '--no-fund'], dir);
    }
    // turbo shares one cache between the worktrees of a repository, so what is unchanged since ref is not rebuilt.
    log('building the baseline');
    run('npx', ['turbo', 'run', 'build', '--output-logs=errors-only'], dir);
  } catch (error) {
    remove();
    throw error;
  }
  return { tree: dir, commit, remove };
}
