// The URLs an untrusted workspace chose that the server's Verify did not contact, for the confirmation modal.
// Pure functions over goproxy-doctor.verify's answer; the server renders the report itself (its `text`).

/** A URL the workspace chose that the server did not contact: the workspace is not trusted. */
export interface WithheldURL {
  url: string;
  kind?: string;
  source?: string;
  consumers?: string[];
}

/** What this client reads of goproxy-doctor.verify's answer: the server's text, and the withheld URLs per folder. */
export interface VerifyResponse {
  folders?: { folder: string; uri?: string; withheld?: WithheldURL[] }[];
  /** The report, rendered by the server. */
  text?: string;
  /** A bare SPEC §8 result (an older single-folder server). */
  withheld?: WithheldURL[];
}

/** Every URL a Verify response says it withheld, across folders. */
export function withheldURLs(response: VerifyResponse): WithheldURL[] {
  const folders = Array.isArray(response.folders) ? response.folders : [response];
  return folders.flatMap((f) => f.withheld ?? []);
}

/** The distinct hosts (host:port; the path for file:// URLs) of withheld URLs, for a person to judge. */
export function withheldHosts(list: WithheldURL[]): string[] {
  const hosts = new Set<string>();
  for (const w of list) {
    try {
      const u = new URL(w.url);
      hosts.add(u.protocol === 'file:' ? w.url : u.host);
    } catch {
      hosts.add(w.url);
    }
  }
  return [...hosts].sort();
}
