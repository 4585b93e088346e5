/**
 * The MoonTV platform program: load this stack's settings (a bad value stops here with one clear
 * message, before any resource is registered), build the platform, export the output contract.
 */
import { loadSettings } from "./stacks";
import { MoonTvPlatform } from "./components/platform";

const settings = loadSettings(__dirname);
const platform = new MoonTvPlatform("moontv", { settings });

export = platform.outputs;
