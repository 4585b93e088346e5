/**
 * The sources an image is built from: a git repository (BuildKit clones it) or a local directory. The
 * settings parse `moontv:image.context` into it; the build plan formats it for BuildKit.
 */
export type BuildContext =
  | {
      kind: "git";
      /** `https://github.com/MoonTechLab/LunaTV.git`, `git@host:path.git`: without a `#fragment`. */
      url: string;
      /** Branch, tag or commit; unset: the remote's HEAD. */
      gitRef?: string;
      /** Sub-directory of the repository holding the app. */
      subdirectory?: string;
    }
  | {
      kind: "directory";
      /** Relative to the project directory; its `.dockerignore` keeps node_modules, .next, .git and .env out. */
      path: string;
    };
