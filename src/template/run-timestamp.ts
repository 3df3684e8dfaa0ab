/** `run_started_at`: a UTC timestamp with the Python datetime methods templates call. */
export class RunTimestamp {
  constructor(readonly date: Date) {}

  get year(): number {
    return this.date.getUTCFullYear();
  }

  get month(): number {
    return this.date.getUTCMonth() + 1;
  }

  get day(): number {
    return this.date.getUTCDate();
  }

  strftime(format: string): string {
    const d = this.date;
    const pad = (value: number, width = 2) => String(value).padStart(width, '0');
    const parts: Record<string, string> = {
      Y: String(d.getUTCFullYear()),
      m: pad(d.getUTCMonth() + 1),
      d: pad(d.getUTCDate()),
      H: pad(d.getUTCHours()),
      M: pad(d.getUTCMinutes()),
      S: pad(d.getUTCSeconds()),
      f: pad(d.getUTCMilliseconds() * 1000, 6),
      y: pad(d.getUTCFullYear() % 100),
      j: pad(Math.floor((d.getTime() - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86_400_000) + 1, 3),
      '%': '%',
    };
    return format.replace(/%([YmdHMSfyj%])/g, (_, key: string) => parts[key]);
  }

  isoformat(): string {
    return this.date.toISOString().replace('Z', '+00:00');
  }

  date_string(): string {
    return this.date.toISOString().slice(0, 10);
  }

  toString(): string {
    return this.strftime('%Y-%m-%d %H:%M:%S.%f+00:00');
  }
}
