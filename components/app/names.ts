/** Kubernetes object names of the app: the compose service name, so in-cluster DNS matches compose. */
export const APP_NAME = "moontv";
export const APP_PORT = 3000;
export const APP_UID = 1001;
export const APP_GID = 1001;
export const APP_SECRET_NAME = "moontv-auth";
export const APP_CONFIG_NAME = "moontv-config";
/** Where the app reads config.json when DOCKER_ENV=true (fixed in MoonTV's code). */
export const CONFIG_JSON_PATH = "/app/config.json";
