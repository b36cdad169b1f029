export declare const TRACKER_OUT: string;
export declare function buildTracker(options?: {
  write?: boolean;
}): Promise<{ code: string; gzipBytes: number }>;
