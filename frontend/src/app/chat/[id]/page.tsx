import { ConversationView } from "@/features/messages/conversation-view";

export default async function ConversationPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  return <ConversationView key={id} conversationId={decodeURIComponent(id)} />;
}
