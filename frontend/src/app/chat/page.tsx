import { EmptyPane } from "@/features/conversations/empty-pane";

export default function ChatIndexPage() {
  return <EmptyPane />;
}
