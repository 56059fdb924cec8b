// The build injects the version from package.json; tests that import the sources see the fallback.
declare const __AGENT_VERSION__: string | undefined;

export const AGENT_NAME = 'marketplace-image-agent';
export const VERSION: string = typeof __AGENT_VERSION__ === 'string' ? __AGENT_VERSION__ : '0.0.0-dev';
