import { describe, expect, it } from "vitest";
import { cleanFileName } from "./file-name.js";

describe("cleanFileName", () => {
  it("keeps only the base name, without control or direction-override characters", () => {
    expect(cleanFileName("../../etc/passwd")).toBe("passwd");
    expect(cleanFileName("C:\\Users\\me\\report.pdf")).toBe("report.pdf");
    expect(cleanFileName("evil\u0000name\u0007.txt")).toBe("evilname.txt");
    expect(cleanFileName("photo\u202egnp.exe")).toBe("photognp.exe");
    expect(cleanFileName("a\r\nb\t c.txt")).toBe("ab c.txt");
  });

  it("never yields an empty, hidden or unbounded name", () => {
    expect(cleanFileName(undefined)).toBe("file");
    expect(cleanFileName("")).toBe("file");
    expect(cleanFileName("...")).toBe("file");
    expect(cleanFileName(".bashrc")).toBe("bashrc");
    const long = cleanFileName(`${"x".repeat(500)}.pdf`);
    expect(long.length).toBe(200);
    expect(long.endsWith(".pdf")).toBe(true);
  });
});
