// VS Code opens the user settings file as vscode-userdata:<path>; the server knows it as file:<path>.
// These converters translate exactly that file (the active profile's settings.json) in both directions and
// leave every other URI as it is.

export interface UriParts {
  scheme: string;
  path: string;
}

export const userDataScheme = 'vscode-userdata';

function samePath(a: string, b: string, caseInsensitive: boolean): boolean {
  const norm = (p: string) => {
    const s = p.replace(/\\/g, '/').replace(/^\/([a-zA-Z]:)/, '$1');
    return caseInsensitive ? s.toLowerCase() : s;
  };
  return norm(a) === norm(b);
}

/** The scheme to give a URI on its way to the server. */
export function schemeToServer(uri: UriParts): string {
  return uri.scheme === userDataScheme ? 'file' : uri.scheme;
}

/** The scheme to give a URI coming from the server: the user settings file goes back to vscode-userdata. */
export function schemeFromServer(uri: UriParts, userSettingsPath: string, caseInsensitive: boolean): string {
  return uri.scheme === 'file' && samePath(uri.path, userSettingsPath, caseInsensitive) ? userDataScheme : uri.scheme;
}
