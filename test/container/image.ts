/** Builds the connector image from the project's Dockerfile, once per test file (module-level promise). */
import { GenericContainer, getContainerRuntimeClient } from 'testcontainers';
import { PROJECT_ROOT, readMetadata } from './project.js';

/** metadata.yaml's dockerRepository with the `dev` tag, as acceptance-test-config.yml names it. */
export const IMAGE_NAME = `${readMetadata().dockerRepository}:dev`;

let built: Promise<string> | undefined;

/**
 * Builds IMAGE_NAME from the project directory (the build context honours .dockerignore) and
 * resolves to its name. The first call builds; later calls in the same module registry share the
 * same promise. Jest gives each test file its own registry, so another test file builds again, which
 * the engine's layer cache answers in about a second when nothing changed.
 * The image is kept after the run (deleteOnExit: false) so that `docker run` can use it too.
 */
export function buildImage(): Promise<string> {
  built ??= (async () => {
    const startedAt = Date.now();
    await GenericContainer.fromDockerfile(PROJECT_ROOT).build(IMAGE_NAME, { deleteOnExit: false });
    process.stdout.write(`[acceptance] image ${IMAGE_NAME} built in ${((Date.now() - startedAt) / 1000).toFixed(1)} s\n`);
    return IMAGE_NAME;
  })();
  return built;
}

export interface ImageFacts {
  labels: Record<string, string>;
  env: Record<string, string>;
  entrypoint: string[];
  user: string;
}

/** The parts of `docker image inspect` the spec tests check. */
export async function inspectImage(name: string = IMAGE_NAME): Promise<ImageFacts> {
  const client = await getContainerRuntimeClient();
  const info = await client.container.dockerode.getImage(name).inspect();
  const env: Record<string, string> = {};
  for (const entry of info.Config.Env ?? []) {
    const equals = entry.indexOf('=');
    if (equals > 0) env[entry.slice(0, equals)] = entry.slice(equals + 1);
  }
  const entrypoint: unknown = info.Config.Entrypoint;
  return {
    labels: { ...(info.Config.Labels ?? {}) },
    env,
    entrypoint: Array.isArray(entrypoint) ? entrypoint.map(String) : typeof entrypoint === 'string' ? [entrypoint] : [],
    user: info.Config.User ?? '',
  };
}
