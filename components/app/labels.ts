import { selectorLabels, standardLabels } from "../shared";
import { APP_NAME } from "./names";

export function appLabels(instance: string): Record<string, string> {
  return standardLabels({ name: APP_NAME, instance, component: "web" });
}

export function appSelector(instance: string): Record<string, string> {
  return selectorLabels({ name: APP_NAME, instance });
}
