import { ProfileSettings } from "@/features/settings/profile-settings";

export const metadata = { title: "Settings · Relay Chat" };

export default function SettingsPage() {
  return <ProfileSettings />;
}
