/** Marks what this service created in the engine (containers, the shared network). */
export const MANAGED_LABEL = 'io.container-manager.managed';
/** COMPOSE_PROJECTS_DIR of the instance that made the container, so two instances never see each other's. */
export const ROOT_LABEL = 'io.container-manager.root';
